package esign

// The endpoints the client calls, written as e签宝's pages write them
// ("METHOD /path"). The action table names them in its Calls column and
// the self-check reports by them.
const (
	EpPersonByThirdID = "GET /v1/accounts/getByThirdId"
	EpPersonCreate    = "POST /v1/accounts/createByThirdPartyUserId"
	EpPerson          = "GET /v1/accounts/{accountId}"
	EpOrgCreate       = "POST /v1/organizations/createByThirdPartyUserId"
	EpOrg             = "GET /v1/organizations/{orgId}"
	EpPsnIdentity     = "GET /v3/persons/identity-info"
	EpOrgIdentity     = "GET /v3/organizations/identity-info"
	EpConsole         = "POST /v3/organizations/org-console-url"
	EpOrgAuthURL      = "POST /v3/org-auth-url"
	EpAuthFlow        = "GET /v3/auth-flow/{authFlowId}"
	EpOrgRealname     = "POST /v2/identity/auth/web/{orgId}/orgIdentityUrl"
	EpIndivRealname   = "POST /v2/identity/auth/web/{accountId}/indivIdentityUrl"
	EpUploadURL       = "POST /v1/files/getUploadUrl"
	EpFile            = "GET /v1/files/{fileId}"
	EpOneStep         = "POST /api/v2/signflows/createFlowOneStep"
	EpFlow            = "GET /v1/signflows/{flowId}"
	EpSigners         = "GET /v1/signflows/{flowId}/signers"
	EpDocuments       = "GET /v1/signflows/{flowId}/documents"
	EpStart           = "PUT /v1/signflows/{flowId}/start"
	EpRevoke          = "PUT /v1/signflows/{flowId}/revoke"
	EpExecuteURL      = "GET /v1/signflows/{flowId}/executeUrl"
	EpApprovalList    = "POST /v3/approval/approval-task-list"
	EpApproval        = "GET /v3/approval/{approvalFlowId}/detail"
)

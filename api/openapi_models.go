package api

import "sort"

// The answers' shapes, one per wire type of dingtalk/wire.go and named after
// it. Every field is always sent (no omitempty), so every property is
// required. Numbers the gateway sends as integers are "integer".

// out is a response object: all of its properties are always present.
func out(desc string, props ...prop) *schema {
	s := obj(desc, props...)
	s.Required = nil
	for name := range s.Properties {
		s.Required = append(s.Required, name)
	}
	sort.Strings(s.Required)
	return s
}

const (
	flowStatusDesc = "e签宝流程状态 / e签宝 flow status: 0 草稿 draft, 1 签署中 signing, 2 完成 completed, 3 撤销 revoked, " +
		"4 终止 terminated, 5 过期 expired, 7 拒签 refused."
	signStatusDesc = "签署人状态 / signer status: 0 等待签署 waiting, 1 签署中 signing, 2 已签署 signed, 3 等待审批 awaiting approval, 4 拒签 refused."
	logTypeDesc    = "logType（网关定义；钉钉文档只说明为字符串）/ logType (the gateway's codes; DingTalk documents only a string): " +
		"1 发起流程 created, 2 开启流程 started, 3 查看合同 read, 4 签署完成 signed, 5 拒签 refused, 6 撤销 revoked, 7 流程结束 finished, 8 过期 expired."
	approvalStatusDesc = "用印审批状态（e签宝为数字，网关转为名称）/ seal approval status (numbers at e签宝, sent as names): " +
		"APPROVING 审批中 (1), PASSED 通过 (2), REJECTED 驳回 (3), REVOKED 撤回 (4), TERMINATED 终止 (5); an unknown number is sent as its digits."
	nodeStatusDesc = "审批节点状态 / approval node status: WAITING 待审批 (0), APPROVING 审批中 (1), PASSED 通过 (2), REJECTED 驳回 (3)."
	appStatusNote  = "钉钉该接口页面仅将两个字段说明为字符串，且编写时页面无法访问；枚举值为网关自定。/ DingTalk's page documents both fields only as strings " +
		"and could not be reached when this was written; the values are the gateway's choice."
	timeMs = "毫秒时间戳 / Unix time in ms"
)

func models() map[string]*schema {
	return map[string]*schema{
		"Error": obj("钉钉错误体 / DingTalk error body",
			must("code", str("错误码 / error code")), must("message", str("错误信息 / message")),
			must("requestid", str("请求ID，同 x-acs-request-id / request id, as x-acs-request-id")),
			may("accessdenieddetail", obj("权限不足详情 / missing permission", may("requiredScopes", arr(str(""), "所需权限点 / required scopes"))))),
		"PageURLs": out("页面地址 / page addresses", may("mobileUrl", str("移动端地址 / mobile URL")),
			may("pcUrl", str("PC端地址 / desktop URL")), may("taskId", str("任务ID / task id"))),
		"Result":      out("", may("result", boolean("是否成功 / succeeded"))),
		"DataBool":    out("", may("data", boolean("是否成功 / succeeded"))),
		"OrderID":     out("", may("esignOrderId", str("订单号（网关账本）/ order id in the gateway's ledger"))),
		"Margin":      out("", may("margin", integer("剩余可发起合同份数 / contracts left in the corp's quota"))),
		"TaskID":      out("", may("taskId", str("任务ID / task id"))),
		"UploadURL":   out("", may("fileId", str("文件ID / file id")), may("uploadUrl", str("文件上传地址，客户端自行PUT文件 / where the client PUTs the bytes"))),
		"AppStatus":   appStatus(),
		"CorpInfo":    out("", may("isRealName", withEnum(str("企业是否实名，字符串 / real-name state as a string"), "true", "false")), may("orgRealName", str("企业名称 / organization name"))),
		"CorpInfoV1":  out("", may("orgRealName", str("企业名称 / organization name")), may("realName", boolean("企业是否实名，布尔 / real-name state as a boolean"))),
		"UserInfo":    out("", may("isRealName", withEnum(str("用户是否实名，字符串 / real-name state as a string"), "true", "false")), may("userRealName", str("用户姓名 / user's name"))),
		"UserInfoV1":  out("", may("realName", boolean("用户是否实名，布尔 / real-name state as a boolean")), may("userRealName", str("用户姓名 / user's name"))),
		"CorpConsole": out("", may("orgConsoleUrl", str("e签宝企业控制台地址 / the organization's e签宝 console URL"))),
		"CorpConsoleV1": closed("esign_1.0 的 SDK 把 orgConsoleUrl 定义为 number，URL 字符串会使 SDK 报错，因此 data 为空对象，地址放在响应头 x-esign-org-console-url。" +
			" / The esign_1.0 SDK models orgConsoleUrl as a number and a URL string makes it throw, so data is {} and the address travels in the x-esign-org-console-url response header."),
		"FileInfo": out("", may("downloadUrl", str("下载地址 / download URL")), may("fileId", str("文件ID / file id")), may("name", str("文件名 / file name")),
			may("pdfTotalPages", integer("PDF页数 / PDF pages")), may("size", integer("文件大小（字节）/ size in bytes")),
			may("status", integer("e签宝文件状态 / e签宝 file status: 0 未上传 not uploaded, 1 上传中 uploading, 2 上传完成 uploaded, 3 上传失败 failed, "+
				"4 等待转pdf awaiting conversion, 5 已转pdf converted, 6-7 加水印 watermarking, 8 转换中 converting, 9 转换失败 conversion failed; usable at 2 or 5"))),
		"Doc":  out("", may("fileId", str("文件ID / file id")), may("fileName", str("文件名 / file name")), may("fileUrl", str("签署后文件下载地址 / signed file URL"))),
		"Docs": out("", may("data", arr(ref("Doc"), "合同列表 / contracts"))),
		"Log": out("", may("logType", str(logTypeDesc)), may("operateDescription", str("操作描述 / what happened")),
			may("operateTime", integer("操作时间，"+timeMs)), may("operatorAccountName", str("操作人 / who"))),
		"FlowDetail":   flowDetail("businessScene", ""),
		"FlowDetailV1": flowDetail("businessSense", "esign_1.0 字段名为 businessSense（SDK 原样）/ esign_1.0 spells it businessSense, as the SDK does"),
		"SignerState": out("", may("signStatus", integer(signStatusDesc)),
			may("signerName", str("签署人；代企业签署时为“企业（经办人）”/ signer; \"org（agent）\" when signing for the organization"))),
		"SignDetail":     signDetail("businessScene"),
		"SignDetailV1":   signDetail("businessSense"),
		"SignURLs":       out("", may("longUrl", str("长链接 / long URL")), may("mobileUrl", str("移动端地址 / mobile URL")), may("pcUrl", str("PC端地址 / desktop URL")), may("shortUrl", str("短链接 / short URL"))),
		"SignNoticeURLs": out("", may("mobileUrl", str("移动端地址 / mobile URL")), may("pcUrl", str("PC端地址 / desktop URL"))),
		"ApprovalNode": out("", may("approvalTime", integer("审批时间，esign_1.0 为 number，"+timeMs+"; 0 if not yet")),
			may("approverName", str("审批人 / approver")), may("startTime", integer("开始时间，"+timeMs)), may("status", str(nodeStatusDesc))),
		"ApprovalNodeV2": out("", may("approvalTime", str("审批时间，esign_2.0 为 string：毫秒数字串，未审批时为空串 / approval time as a string of ms digits, \"\" if not yet")),
			may("approverName", str("审批人 / approver")), may("startTime", integer("开始时间，"+timeMs)), may("status", str(nodeStatusDesc))),
		"Approval":   approval("ApprovalNode"),
		"ApprovalV2": approval("ApprovalNodeV2"),
		"Approvals":  out("", may("data", arr(ref("ApprovalV2"), "用印审批 / seal approvals"))),
		"AttachFile": out("", may("fileName", str("文件名 / file name")), may("originalFileUrl", str("原文件地址 / original file URL")),
			may("signFinishFileUrl", str("签署完成文件地址，流程完成前为空串 / signed file URL, \"\" until the flow completes"))),
		"Attach": out("", may("files", arr(ref("AttachFile"), "文件 / files")), may("flowId", str("e签宝流程ID / e签宝 flow id")),
			may("status", str("流程状态（数字串）/ flow status as a string of digits; "+flowStatusDesc))),
		"Attachs":     out("", may("data", arr(ref("Attach"), "关联的签署任务 / linked tasks"))),
		"AccessToken": out("", may("accessToken", str("访问凭证 / access token")), may("expireIn", integer("有效期（秒）/ lifetime in seconds"))),
	}
}

func appStatus() *schema {
	return out(appStatusNote,
		may("authStatus", withEnum(str("e签宝授权状态 / e签宝 authorization: AUTHORIZED 已授权, UNAUTHORIZED 未授权, CANCELLED 已取消授权"),
			"AUTHORIZED", "UNAUTHORIZED", "CANCELLED")),
		may("installStatus", withEnum(str("应用安装状态 / app installation: INSTALLED 已安装, NOT_INSTALLED 未安装"), "INSTALLED", "NOT_INSTALLED")))
}

func flowDetail(scene, desc string) *schema {
	return out(desc, may(scene, str("流程主题 / flow subject")), may("flowStatus", integer(flowStatusDesc)),
		may("initiatorAuthorizedName", str("发起主体名称 / initiating organization")), may("initiatorName", str("发起人姓名 / initiator")),
		may("logs", arr(ref("Log"), "操作记录 / operation log")))
}

func signDetail(scene string) *schema {
	return out("", may(scene, str("流程主题 / flow subject")), may("flowStatus", integer(flowStatusDesc)),
		may("signers", arr(ref("SignerState"), "签署人 / signers")))
}

func approval(node string) *schema {
	return out("", may("approvalName", str("审批名称 / approval name")), may("approvalNodes", arr(ref(node), "审批节点 / approval nodes")),
		may("endTime", integer("结束时间，"+timeMs)), may("refuseReason", str("驳回原因 / refusal reason")),
		may("sealIdImg", str("印章图片地址 / seal image URL")), may("sponsorAccountName", str("发起人 / sponsor")),
		may("startTime", integer("开始时间，"+timeMs)), may("status", str(approvalStatusDesc)))
}

package api

// The document's frame: info, tags in DingTalk's documentation tree, and the
// shared components.

// esignGroups is DingTalk's documentation tree under each e签宝 version.
var esignGroups = []string{"鉴权", "套餐", "用户", "文件", "签署流程"}

func info() map[string]any {
	return map[string]any{
		"title":   "esign-gateway: 钉钉 e签宝 API / DingTalk's e签宝 API",
		"version": "1.0.0",
		"description": "本网关以钉钉 e签宝（esign_1.0 / esign_2.0）接口的形式对外服务，并通过 e签宝开放平台完成每个调用；" +
			"每个接口的说明写明其背后的 e签宝 接口或网关自有状态。\n\n" +
			"This gateway speaks DingTalk's e签宝 API (esign_1.0 and esign_2.0) to DingTalk SDK clients and fulfils each call " +
			"against the e签宝 OpenAPI; each operation's description names its backing (an e签宝 endpoint, or state the gateway owns).\n\n" +
			"- 令牌 / tokens: GetCorpAccessToken (oauth2_1.0), then send `x-acs-dingtalk-access-token` on every e签宝 action.\n" +
			"- 应答 / answers: esign_1.0 wraps data in `{code: 0, message: \"ok\", data}`; esign_2.0 answers flat; errors are " +
			"`{code, message, requestid, accessdenieddetail?}` with a 4xx/5xx status, as api.dingtalk.com sends them.\n" +
			"- 类型 / types: exactly the SDK models'. Where the versions differ the document says so: approvalTime is a number in v1 and a string in v2; " +
			"CorpInfo/GetUserInfo send realName (boolean) in v1 and isRealName (string) in v2; v1 CorpConsole sends its URL in the " +
			"`x-esign-org-console-url` header because the SDK types data.orgConsoleUrl as a number.\n" +
			"- 每个应答都带 / every answer carries `x-acs-request-id`.\n" +
			"- 调试 / try it: the API Explorer at /explorer.",
	}
}

func tags() []any {
	var out []any
	for _, v := range []string{"e签宝1.0", "e签宝2.0"} {
		for _, g := range esignGroups {
			out = append(out, map[string]any{"name": v + "/" + g, "description": "钉钉文档目录 生态伙伴API/e签宝/" + v + "/" + g + " / DingTalk's documentation tree"})
		}
	}
	for _, t := range []string{tagOAuth, tagOps, tagPages, tagAdmin, tagCallbacks, tagDocs} {
		out = append(out, map[string]any{"name": t})
	}
	return out
}

// tagGroups nests the tags like DingTalk's tree (x-tagGroups, read by Redoc
// and the explorer).
func tagGroups() []any {
	var out []any
	for _, v := range []string{"e签宝1.0", "e签宝2.0"} {
		var names []string
		for _, g := range esignGroups {
			names = append(names, v+"/"+g)
		}
		out = append(out, map[string]any{"name": v, "tags": names})
	}
	return append(out, map[string]any{"name": "网关 / gateway", "tags": []string{tagOAuth, tagOps, tagPages, tagAdmin, tagCallbacks, tagDocs}})
}

func components(schemas map[string]*schema) map[string]any {
	header := func(name string, required bool, desc string) map[string]any {
		return map[string]any{"name": name, "in": "header", "required": required, "schema": &schema{Type: "string"}, "description": desc}
	}
	return map[string]any{
		"schemas":  schemas,
		"examples": errorExamples(),
		"parameters": map[string]any{
			"AccessToken": header("x-acs-dingtalk-access-token", true,
				"调用该接口的访问凭证（GetCorpAccessToken 获取）/ the corp access token from GetCorpAccessToken"),
			"ServiceGroup": header("serviceGroup", false, "SDK 保留的请求头，网关忽略 / reserved by the SDK; the gateway ignores it"),
			"TsignAppId":   header("X-Tsign-Open-App-Id", true, "e签宝应用ID，须为网关配置的 esign.app_id / e签宝 app id; must be the gateway's esign.app_id"),
			"TsignTimestamp": header("X-Tsign-Open-TIMESTAMP", true,
				"e签宝回调时间戳（毫秒），须在 esign.callback_window 之内 / e签宝's timestamp in ms, within esign.callback_window"),
			"TsignSignature": header("X-Tsign-Open-SIGNATURE", true,
				"以应用密钥计算的 HMAC-SHA256（时间戳 + 按键排序的查询参数值 + 原始请求体），小写十六进制 / lower-case hex HMAC-SHA256, keyed with the "+
					"app secret, of the timestamp, the query values in key order and the raw body"),
		},
		"headers": map[string]any{
			"RequestId": map[string]any{"description": "请求ID，与错误体 requestid 相同 / request id, the same as an error body's requestid", "schema": &schema{Type: "string"}},
		},
		"securitySchemes": map[string]any{
			"adminBearer": map[string]any{"type": "http", "scheme": "bearer", "description": "admin.token 配置项 / the admin.token setting"},
		},
	}
}

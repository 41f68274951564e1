package api

// Request bodies (dingtalk/requests.go). Field names and JSON types are the
// SDK models' (dingtalk-contract.md §4); "required" is what the gateway
// enforces in Validate, which is sometimes more than the SDK marks (the SDK
// checks nothing, §2.7) and sometimes less (esign_1.0 GetUploadUrl marks
// convert2Pdf required; the gateway defaults it to false).

const (
	accountTypeDesc = "参与人类型 / party type: DING_USER 钉钉用户 (userId), OUTER_USER 外部用户 (account)"
	signReqDesc     = "签署要求 / what the party signs with: \"1\" 企业章 the corp's seal, \"2\" 个人签名 a personal signature, \"1,2\" both"
	partyIDNote     = "userId 与 account 至少填一个 / give userId or account"
	redirectDesc    = "完成后跳转地址（http/https）/ where the page returns to (http or https)"
)

// party is a participant (signer) or cc; create adds CreateProcess' fields.
func party(signer, create bool) *schema {
	props := []prop{
		may("account", str("外部用户的手机号或邮箱 / an outside person's mobile or e-mail; "+partyIDNote)),
		may("accountName", str("姓名 / name")),
		must("accountType", withEnum(str(accountTypeDesc), "DING_USER", "OUTER_USER")),
		may("orgName", str("所属企业名称 / organization name")),
		may("userId", str("钉钉用户ID / DingTalk userId; "+partyIDNote)),
	}
	switch {
	case create:
		props = append(props, may("signOrder", integer("签署顺序 / signing order")),
			may("signPosList", arr(ref("SignPos"), "签署位置 / where to sign")),
			must("signRequirements", str(signReqDesc)))
	case signer:
		props = append(props, may("signRequirements", str(signReqDesc+"; 默认 / default \"2\"")))
	}
	return obj("", props...)
}

func requestModels() map[string]*schema {
	return map[string]*schema{
		"StartParticipant":  party(true, false),
		"CreateParticipant": party(true, true),
		"Cc":                party(false, false),
		"StartFile":         obj("", must("fileId", str("文件ID / file id")), must("fileName", str("文件名（带扩展名）/ file name with extension"))),
		"CreateFile": obj("", must("fileId", str("文件ID / file id")), must("fileName", str("文件名（带扩展名）/ file name with extension")),
			must("fileType", integer("文件类型 / file type (1 合同 contract)"))),
		"SignPos": obj("", may("fileId", str("文件ID / file id")), may("isCrossPage", boolean("骑缝章 / seal across pages")),
			may("needSignDate", boolean("是否显示签署日期 / show the signing date")), may("page", str("页码 / page, e.g. \"1\"")),
			may("signDate", obj("", may("format", str("日期格式 / date format, e.g. yyyy-MM-dd")))),
			may("signRequirement", str(signReqDesc)), may("x", number("X坐标 / x position")), may("y", number("Y坐标 / y position"))),
		"SourceInfo": obj("来源；链接中的 procInstId/instanceId 把任务关联到钉钉审批实例（GetAttachsApproval）/ where the flow comes from; "+
			"a procInstId or instanceId in the URLs links the task to a DingTalk approval instance (GetAttachsApproval)",
			may("mobileUrl", str("移动端来源地址 / mobile source URL")), may("pcUrl", str("PC端来源地址 / desktop source URL")),
			may("showText", str("展示文案 / link text"))),
	}
}

func redirectBody() *schema { return obj("", may("redirectUrl", str(redirectDesc))) }

func userPageBody(withRedirect bool) *schema {
	user := must("userId", str("钉钉用户ID / DingTalk userId"))
	if !withRedirect {
		return obj("", user)
	}
	return obj("", may("redirectUrl", str(redirectDesc)), user)
}

func uploadBody() *schema {
	return obj("",
		must("contentMd5", str("文件内容MD5的Base64 / base64 of the content's MD5")),
		must("contentType", str("MIME类型 / MIME type, e.g. application/pdf")),
		may("convert2Pdf", boolean("是否转为PDF，默认false / convert to PDF; default false")),
		must("fileName", str("文件名，需带扩展名，不能含 /\\:*\"<>|? / name with an extension, without /\\:*\"<>|?")),
		must("fileSize", positive(integer("文件大小（字节）/ size in bytes"))))
}

func channelOrderBody(v1 bool) *schema {
	created := may("orderCreateTime", integer("下单时间，"+timeMs))
	fee := must("payFee", atLeast(integer("支付金额（分）/ amount paid, in fen"), 0))
	if !v1 {
		created = must("orderCreateTime", positive(integer("下单时间，"+timeMs)))
		fee = may("payFee", integer("支付金额（分）/ amount paid, in fen"))
	}
	return obj("", must("itemCode", str("商品码 / item code")), must("itemName", str("商品名称 / item name")), created,
		must("orderId", str("订单号，幂等键 / order id, the idempotency key")), fee,
		must("quantity", positive(integer("合同份数 / number of contracts"))))
}

func resaleOrderBody(v1 bool) *schema {
	start := may("serviceStartTime", integer("服务开始时间，"+timeMs))
	if v1 {
		start = must("serviceStartTime", positive(integer("服务开始时间，"+timeMs)))
	}
	return obj("", must("orderCreateTime", positive(integer("下单时间，"+timeMs))),
		must("orderId", str("订单号，幂等键 / order id, the idempotency key")),
		must("quantity", positive(integer("合同份数 / number of contracts"))), start,
		must("serviceStopTime", positive(integer("服务结束时间，"+timeMs))))
}

// startBody is GetProcessStartUrl (v1) and ProcessStart (v2, with autoStart).
func startBody(autoStart bool) *schema {
	props := []prop{
		may("ccs", arr(ref("Cc"), "抄送人 / people in copy")),
		must("files", nonEmpty(arr(ref("StartFile"), "待签文件，至少一个 / files to sign, at least one"))),
		must("initiatorUserId", str("发起人钉钉用户ID / the initiator's DingTalk userId")),
		may("participants", arr(ref("StartParticipant"), "签署人，缺省时发起人个人签署 / signers; the initiator signs personally when none")),
		may("redirectUrl", str(redirectDesc)),
		may("sourceInfo", ref("SourceInfo")),
		may("taskName", str("任务名称，缺省为首个文件名 / task name; the first file's name when empty")),
	}
	if autoStart {
		props = append(props, may("autoStart", withEnum(str("\"true\" 立即发起，否则在发起页确认 / \"true\" starts at once, else on the start page"), "true", "false")))
	}
	return obj("", props...)
}

func createBody() *schema {
	return obj("",
		may("ccs", arr(ref("Cc"), "抄送人 / people in copy")),
		must("files", nonEmpty(arr(ref("CreateFile"), "待签文件，至少一个 / files to sign, at least one"))),
		must("initiatorUserId", str("发起人钉钉用户ID / the initiator's DingTalk userId")),
		must("participants", nonEmpty(arr(ref("CreateParticipant"), "签署人，至少一个 / signers, at least one"))),
		may("redirectUrl", str(redirectDesc)),
		may("signEndTime", integer("签署截止时间，"+timeMs)),
		may("sourceInfo", ref("SourceInfo")),
		must("taskName", str("任务名称 / task name")))
}

// startExample prefills the explorer's forms; <fileId> comes from GetFileUploadUrl.
func startExample(create bool) map[string]any {
	file := map[string]any{"fileId": "<fileId>", "fileName": "合同.pdf"}
	p := map[string]any{"accountType": "DING_USER", "userId": "u2", "accountName": "李四", "signRequirements": "2"}
	if create {
		file["fileType"] = 1
		p["signOrder"] = 1
	}
	return map[string]any{"taskName": "劳动合同", "initiatorUserId": "u1", "files": []any{file}, "participants": []any{p}}
}

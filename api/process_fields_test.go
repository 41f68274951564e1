package api_test

import (
	"encoding/json"
	"testing"

	"esign-gateway/api/apitest"
)

// TestCreateProcessSendsWhatThePageDocuments holds the createFlowOneStep
// body the gateway sends (as the emulator recorded it) to DingTalk's
// CreateProcess page and e签宝's createFlowOneStep page: an attachment is
// an e签宝 attachment (no sign field), "1,2" gives the organization's seal
// and the person's signature, each position goes to the requirement it
// names, the signing date is stamped in the format asked, thirdBizId is
// every signer's thirdOrderNo, ccs are copiers and e签宝's own notices are
// off ("" sent, not omitted).
func TestCreateProcessSendsWhatThePageDocuments(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	contract := g.Upload(tok, "合同.pdf", apitest.PDF)
	attachment := g.Upload(tok, "附件.pdf", apitest.PDF)
	res := g.Call("CreateProcess", "esign_2.0", tok, map[string]any{
		"taskName": "采购合同", "initiatorUserId": "u1", "thirdBizId": "biz-42",
		"files": []map[string]any{
			{"fileId": contract, "fileName": "合同.pdf", "fileType": 1},
			{"fileId": attachment, "fileName": "附件.pdf", "fileType": 2},
		},
		"participants": []map[string]any{{
			"accountType": "DING_USER", "userId": "u2", "accountName": "李四", "signRequirements": "1,2",
			"signPosList": []map[string]any{
				{"fileId": contract, "page": "1", "x": 100.0, "y": 200.0, "signRequirement": "1"},
				{"fileId": contract, "page": "2", "x": 300.0, "y": 400.0, "signRequirement": "2",
					"needSignDate": true, "signDate": map[string]any{"format": "yyyy年MM月dd日"}},
			},
		}},
		"ccs": []map[string]any{{"accountType": "DING_USER", "userId": "u3"}},
	})
	if res.Status != 200 {
		t.Fatalf("CreateProcess: %d %s", res.Status, res.Raw)
	}
	bodies := g.Emulator.Bodies("POST", "/api/v2/signflows/createFlowOneStep")
	if len(bodies) != 1 {
		t.Fatalf("%d createFlowOneStep calls, want 1", len(bodies))
	}
	var sent struct {
		Docs        []struct{ FileID string }
		Attachments []struct{ FileID, AttachmentName string }
		Copiers     []struct{ CopierAccountID string }
		FlowInfo    struct {
			FlowConfigInfo map[string]any
		}
		Signers []struct {
			ThirdOrderNo  string
			SignerAccount struct{ SignerAccountID, AuthorizedAccountID string }
			Signfields    []struct {
				FileID             string
				ActorIndentityType int
				PosBean            struct {
					PosPage    string
					PosX, PosY float64
				}
				SignDateBeanType int
				SignDateBean     *struct{ Format string }
			}
		}
	}
	if err := json.Unmarshal(bodies[0], &sent); err != nil {
		t.Fatalf("%v in %s", err, bodies[0])
	}
	t.Logf("sent: %s", bodies[0])
	if len(sent.Docs) != 1 || sent.Docs[0].FileID != contract {
		t.Errorf("docs %+v, want only the contract %s", sent.Docs, contract)
	}
	if len(sent.Attachments) != 1 || sent.Attachments[0].FileID != attachment {
		t.Errorf("attachments %+v, want the fileType 2 file %s", sent.Attachments, attachment)
	}
	if len(sent.Copiers) != 1 {
		t.Errorf("copiers %+v, want u3", sent.Copiers)
	}
	if nt, ok := sent.FlowInfo.FlowConfigInfo["noticeType"]; !ok || nt != "" {
		t.Errorf("flowConfigInfo %v: want noticeType \"\" sent (notices off)", sent.FlowInfo.FlowConfigInfo)
	}
	if len(sent.Signers) != 2 {
		t.Fatalf("%d signers for signRequirements 1,2, want the seal and the signature", len(sent.Signers))
	}
	var seal, personal int
	for _, s := range sent.Signers {
		if s.ThirdOrderNo != "biz-42" {
			t.Errorf("signer thirdOrderNo %q, want the thirdBizId", s.ThirdOrderNo)
		}
		for _, f := range s.Signfields {
			if f.FileID == attachment {
				t.Errorf("a sign field on the attachment: %+v", f)
			}
			switch f.ActorIndentityType {
			case 2: // the organization's seal
				seal++
				if s.SignerAccount.AuthorizedAccountID == "" || f.PosBean.PosPage != "1" || f.PosBean.PosX != 100 || f.PosBean.PosY != 200 {
					t.Errorf("seal field %+v of %+v, want page 1 at (100,200) for the organization", f, s.SignerAccount)
				}
				if f.SignDateBean != nil {
					t.Errorf("seal field has a date %+v; only the signature asked for one", f.SignDateBean)
				}
			default:
				personal++
				if f.PosBean.PosPage != "2" || f.PosBean.PosX != 300 || f.PosBean.PosY != 400 {
					t.Errorf("signature field %+v, want page 2 at (300,400)", f)
				}
				if f.SignDateBeanType != 1 || f.SignDateBean == nil || f.SignDateBean.Format != "yyyy年MM月dd日" {
					t.Errorf("signature field date %d %+v, want stamped as yyyy年MM月dd日", f.SignDateBeanType, f.SignDateBean)
				}
			}
		}
	}
	if seal != 1 || personal != 1 {
		t.Errorf("%d seal and %d signature fields, want one of each", seal, personal)
	}
}

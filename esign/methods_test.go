package esign

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMethodRoutes checks that every typed method calls the route its
// comment names.
func TestMethodRoutes(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		call func(c *Client) error
		want string // method, path and encoded query as received
	}{
		{"Flow", func(c *Client) error { _, err := c.Flow(ctx, "f1"); return err }, "GET /v1/signflows/f1"},
		{"Signers", func(c *Client) error { _, err := c.Signers(ctx, "f1"); return err }, "GET /v1/signflows/f1/signers"},
		{"Documents", func(c *Client) error { _, err := c.Documents(ctx, "f1"); return err }, "GET /v1/signflows/f1/documents"},
		{"CreateFlowOneStep", func(c *Client) error {
			_, err := c.CreateFlowOneStep(ctx, &CreateFlowOneStepRequest{})
			return err
		}, "POST /api/v2/signflows/createFlowOneStep"},
		{"StartFlow", func(c *Client) error { return c.StartFlow(ctx, "f1") }, "PUT /v1/signflows/f1/start"},
		{"RevokeFlow", func(c *Client) error { return c.RevokeFlow(ctx, "f1", "不签了") }, "PUT /v1/signflows/f1/revoke"},
		{"ExecuteURL", func(c *Client) error { _, err := c.ExecuteURL(ctx, "f1", "a1", "0", 0); return err },
			"GET /v1/signflows/f1/executeUrl?accountId=a1&organizeId=0&urlType=0"},
		{"ExecuteURL without organizeId", func(c *Client) error { _, err := c.ExecuteURL(ctx, "f1", "a1", "", 1); return err },
			"GET /v1/signflows/f1/executeUrl?accountId=a1&urlType=1"},
		{"CreatePerson", func(c *Client) error {
			_, err := c.CreatePerson(ctx, &CreatePersonRequest{ThirdPartyUserID: "u1"})
			return err
		}, "POST /v1/accounts/createByThirdPartyUserId"},
		{"PersonByThirdID", func(c *Client) error { _, err := c.PersonByThirdID(ctx, "u 1"); return err },
			"GET /v1/accounts/getByThirdId?thirdPartyUserId=u+1"},
		{"Person", func(c *Client) error { _, err := c.Person(ctx, "a1"); return err }, "GET /v1/accounts/a1"},
		{"CreateOrganization", func(c *Client) error {
			_, err := c.CreateOrganization(ctx, &CreateOrgRequest{ThirdPartyUserID: "c1"})
			return err
		}, "POST /v1/organizations/createByThirdPartyUserId"},
		{"OrganizationByThirdID", func(c *Client) error { _, err := c.OrganizationByThirdID(ctx, "c1"); return err },
			"GET /v1/organizations/getByThirdId?thirdPartyUserId=c1"},
		{"Organization", func(c *Client) error { _, err := c.Organization(ctx, "o1"); return err }, "GET /v1/organizations/o1"},
		{"PersonIdentity", func(c *Client) error { _, err := c.PersonIdentity(ctx, PersonLookup{PsnID: "a1"}); return err },
			"GET /v3/persons/identity-info?psnId=a1"},
		{"OrgIdentity", func(c *Client) error { _, err := c.OrgIdentity(ctx, OrgLookup{OrgID: "o1"}); return err },
			"GET /v3/organizations/identity-info?orgId=o1"},
		{"OrgConsoleURL", func(c *Client) error { _, err := c.OrgConsoleURL(ctx, "o1", "a1"); return err },
			"POST /v3/organizations/org-console-url"},
		{"OrgAuthURL", func(c *Client) error { _, err := c.OrgAuthURL(ctx, &OrgAuthURLRequest{}); return err },
			"POST /v3/org-auth-url"},
		{"AuthFlow", func(c *Client) error { _, err := c.AuthFlow(ctx, "OF-1"); return err }, "GET /v3/auth-flow/OF-1"},
		{"UploadURL", func(c *Client) error { _, err := c.UploadURL(ctx, &UploadURLRequest{}); return err },
			"POST /v1/files/getUploadUrl"},
		{"File", func(c *Client) error { _, err := c.File(ctx, "file1"); return err }, "GET /v1/files/file1"},
		{"OrgIdentityURL", func(c *Client) error {
			_, err := c.OrgIdentityURL(ctx, "o1", &OrgIdentityRequest{AgentAccountID: "a1"})
			return err
		}, "POST /v2/identity/auth/web/o1/orgIdentityUrl"},
		{"IndivIdentityURL", func(c *Client) error {
			_, err := c.IndivIdentityURL(ctx, "a1", &IndivIdentityRequest{})
			return err
		}, "POST /v2/identity/auth/web/a1/indivIdentityUrl"},
		{"IdentityDetail", func(c *Client) error { _, err := c.IdentityDetail(ctx, "i1"); return err },
			"GET /v2/identity/auth/api/common/i1/detail"},
		{"Approvals", func(c *Client) error { _, err := c.Approvals(ctx, &ApprovalListRequest{PageNum: 1}); return err },
			"POST /v3/approval/approval-task-list"},
		{"Approval", func(c *Client) error { _, err := c.Approval(ctx, "ap1"); return err }, "GET /v3/approval/ap1/detail"},
		{"id with a slash stays one segment", func(c *Client) error { _, err := c.Flow(ctx, "a/b"); return err },
			"GET /v1/signflows/a%2Fb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			var mu sync.Mutex
			var got []string
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				line := r.Method + " " + r.URL.EscapedPath()
				if r.URL.RawQuery != "" {
					line += "?" + r.URL.RawQuery
				}
				mu.Lock()
				got = append(got, line)
				mu.Unlock()
				w.Write([]byte(`{"code":0,"message":"成功","data":{}}`))
			})
			if err := tt.call(c); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("got %q, want [%q]", got, tt.want)
			}
		})
	}
}

// TestMethodData checks the methods that unwrap or reshape data.
func TestMethodData(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("GET /v1/signflows/f1/signers", reply(`{"code":0,"data":{"signers":[{"signerAccountId":"a1","signStatus":2}]}}`, 200))
	mux.HandleFunc("GET /v1/signflows/f1/documents", reply(`{"code":0,"data":{"docs":[{"fileId":"d1","fileName":"c.pdf","fileUrl":"u"}]}}`, 200))
	mux.HandleFunc("POST /api/v2/signflows/createFlowOneStep", reply(`{"code":0,"data":{"flowId":"f9"}}`, 200))
	mux.HandleFunc("GET /v3/persons/identity-info", reply(`{"code":0,"data":{"realnameStatus":1,"authorizeUserInfo":true,"psnId":"p1","psnInfo":{"psnName":"张三"}}}`, 200))
	mux.HandleFunc("POST /v3/approval/approval-task-list", reply(`{"code":0,"data":{"total":1,"approvalFlowList":[{"approvalFlowId":"ap1","approvalFlowStatus":2}]}}`, 200))
	mux.HandleFunc("POST /v3/organizations/org-console-url", reply(`{"code":0,"data":{"orgConsoleUrl":"https://x/c"}}`, 200))
	ctx := t.Context()

	signers, err := c.Signers(ctx, "f1")
	check(t, "Signers", signers, []Signer{{SignerAccountID: "a1", SignStatus: 2}}, err)
	docs, err := c.Documents(ctx, "f1")
	check(t, "Documents", docs, []Document{{FileID: "d1", FileName: "c.pdf", FileURL: "u"}}, err)
	flowID, err := c.CreateFlowOneStep(ctx, &CreateFlowOneStepRequest{})
	check(t, "CreateFlowOneStep", flowID, "f9", err)
	info, err := c.PersonIdentity(ctx, PersonLookup{PsnID: "p1"})
	check(t, "PersonIdentity", info, &IdentityInfo{RealnameStatus: 1, AuthorizeUserInfo: true, PsnID: "p1", PsnName: "张三"}, err)
	approvals, err := c.Approvals(ctx, &ApprovalListRequest{})
	check(t, "Approvals", approvals, []ApprovalFlow{{ApprovalFlowID: "ap1", ApprovalFlowStatus: 2}}, err)
	console, err := c.OrgConsoleURL(ctx, "o1", "a1")
	check(t, "OrgConsoleURL", console, "https://x/c", err)
}

func check(t *testing.T, name string, got, want any, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", name, err)
	} else if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %+v, want %+v", name, got, want)
	}
}

func TestCreateAccountExisting(t *testing.T) {
	c, mux := setup(t)
	exists := reply(`{"code":53000000,"message":"账号已存在","data":null}`, 200)
	mux.HandleFunc("POST /v1/accounts/createByThirdPartyUserId", exists)
	mux.HandleFunc("POST /v1/organizations/createByThirdPartyUserId", exists)
	mux.HandleFunc("GET /v1/accounts/getByThirdId", func(w http.ResponseWriter, r *http.Request) {
		if got := r.URL.Query().Get("thirdPartyUserId"); got != "u1" {
			t.Errorf("lookup: got %q, want u1", got)
		}
		w.Write([]byte(`{"code":0,"data":{"accountId":"acc-1","thirdPartyUserId":"u1"}}`))
	})
	mux.HandleFunc("GET /v1/organizations/getByThirdId", reply(`{"code":0,"data":{"orgId":"org-1"}}`, 200))

	id, err := c.CreatePerson(t.Context(), &CreatePersonRequest{ThirdPartyUserID: "u1", Name: "张三"})
	check(t, "CreatePerson", id, "acc-1", err)
	id, err = c.CreateOrganization(t.Context(), &CreateOrgRequest{ThirdPartyUserID: "c1"})
	check(t, "CreateOrganization", id, "org-1", err)
}

// TestRequestSignatureOnTheWire lets the fake e签宝 check the signature the
// way the real gateway does: recomputed from the received request by the
// doc's rule, written out here independently of signer.go.
func TestRequestSignatureOnTheWire(t *testing.T) {
	now := time.UnixMilli(1700000000000)
	c, mux := setup(t, func(cfg *Config) { cfg.Now = func() time.Time { return now } })
	verify := func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		md5Header := r.Header.Get("Content-MD5")
		if len(body) > 0 {
			sum := md5.Sum(body)
			if want := base64.StdEncoding.EncodeToString(sum[:]); md5Header != want {
				t.Errorf("Content-MD5: got %q, want %q", md5Header, want)
			}
		} else if _, ok := r.Header["Content-Md5"]; ok {
			t.Errorf("%s without a body sent Content-MD5 %q", r.Method, md5Header)
		}
		want := map[string]string{
			"Accept": "*/*", "Content-Type": "application/json; charset=UTF-8",
			"X-Tsign-Open-App-Id": testAppID, "X-Tsign-Open-Auth-Mode": "Signature",
			"X-Tsign-Open-Ca-Timestamp": "1700000000000",
		}
		for h, v := range want {
			if got := r.Header.Get(h); got != v {
				t.Errorf("%s: got %q, want %q", h, got, v)
			}
		}
		q := r.URL.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var params []string
		for _, k := range keys {
			params = append(params, k+"="+q.Get(k)) // the client sends no empty values
		}
		pap := r.URL.Path
		if len(params) > 0 {
			pap += "?" + strings.Join(params, "&")
		}
		sts := r.Method + "\n" + r.Header.Get("Accept") + "\n" + md5Header + "\n" +
			r.Header.Get("Content-Type") + "\n" + r.Header.Get("Date") + "\n" + pap
		m := hmac.New(sha256.New, []byte(testSecret))
		m.Write([]byte(sts))
		if got, want := r.Header.Get("X-Tsign-Open-Ca-Signature"), base64.StdEncoding.EncodeToString(m.Sum(nil)); got != want {
			t.Errorf("signature of %q: got %q, want %q", sts, got, want)
		}
		if q.Has("appScheme") {
			t.Error("empty query parameter was sent")
		}
		w.Write([]byte(`{"code":0,"data":{}}`))
	}
	mux.HandleFunc("/", verify)
	ctx := t.Context()
	if _, err := c.ExecuteURL(ctx, "f1", "a1", "0", 0); err != nil {
		t.Error(err)
	}
	if _, err := c.OrgIdentity(ctx, OrgLookup{Name: "某某科技 & Co"}); err != nil {
		t.Error(err)
	}
	if _, err := c.CreatePerson(ctx, &CreatePersonRequest{ThirdPartyUserID: "u1", Name: "张三<&>"}); err != nil {
		t.Error(err)
	}
	if err := c.Do(ctx, "GET", "/v1/x", map[string][]string{"appScheme": {""}, "b": {"2"}}, nil, nil); err != nil {
		t.Error(err)
	}
}

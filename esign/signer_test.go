package esign

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	dummySecret = "dummysecret"
	vecSecret   = "0123456789abcdef0123456789abcdef"
	vec3Body    = `{"signFlowConfig":{"signFlowTitle":"测试合同","autoFinish":true},"docs":[{"fileId":"f123","fileName":"合同.pdf"}]}`
)

// TestSignVectors signs requests built as the client builds them and
// compares with esign-openapi.md §1.7. The want values were computed outside
// Go by three independent implementations (the doc rules in Python, the
// official Java demo, shenghui0779/esign-go), e.g.
//
//	printf 'GET\n*/*\n\napplication/json; charset=UTF-8\n\n/v3/sign-flow/abc123/detail' |
//	  openssl dgst -sha256 -hmac dummysecret -binary | base64
func TestSignVectors(t *testing.T) {
	tests := []struct {
		name        string
		secret      string
		method      string
		target      string // path and query as sent (encoded)
		body        string
		contentMD5  string // header value; computed from body if body is set
		contentType string
		wantSTS     string
		wantSig     string
	}{
		{"1 doc example POST", dummySecret, "POST", "/v3/sign-flow/create-by-file", "",
			"uxydqKBMBy6x1siClKEQ6Q==", contentTypeJSON,
			"POST\n*/*\nuxydqKBMBy6x1siClKEQ6Q==\napplication/json; charset=UTF-8\n\n/v3/sign-flow/create-by-file",
			"6dYuzEqXUobDAEL97Ja5pvH3QWHpn4R5iJSWEvIsCo8="},
		{"2 GET no body", dummySecret, "GET", "/v3/sign-flow/abc123/detail", "", "", contentTypeJSON,
			"GET\n*/*\n\napplication/json; charset=UTF-8\n\n/v3/sign-flow/abc123/detail",
			"xG4jw3vs+xusJ0x3XkIJBwxpTHHzEHqdMGOJ45Ry8Fk="},
		{"3 POST with UTF-8 body", vecSecret, "POST", "/v3/sign-flow/create-by-file", vec3Body, "", contentTypeJSON,
			"POST\n*/*\ng8ZXa3r45uf2YCba7K4u+g==\napplication/json; charset=UTF-8\n\n/v3/sign-flow/create-by-file",
			"VFTb75dPt8xfaMxctbVU6Frdc1dqrSoANAm3VGCFMIQ="},
		{"4 GET sorted query", vecSecret, "GET",
			"/v1/signflows/1234567/executeUrl?urlType=0&organizeId=0&accountId=438be8042d9843118cbca94f17dc", "", "", contentTypeJSON,
			"GET\n*/*\n\napplication/json; charset=UTF-8\n\n/v1/signflows/1234567/executeUrl?accountId=438be8042d9843118cbca94f17dc&organizeId=0&urlType=0",
			"Q9jG5AZA61pT12aiSL2vLT0b85d6PYNrQVdJId75sw4="},
		{"5 empty value is a bare key", vecSecret, "GET",
			"/v1/signflows/1234567/executeUrl?urlType=0&organizeId=0&accountId=438be8042d9843118cbca94f17dc&appScheme=", "", "", contentTypeJSON,
			"GET\n*/*\n\napplication/json; charset=UTF-8\n\n/v1/signflows/1234567/executeUrl?accountId=438be8042d9843118cbca94f17dc&appScheme&organizeId=0&urlType=0",
			"Qq5D79apKn41vKH/kSWhiXxKpv4JMuqnrvsszJzlGv4="},
		{"6 decoded Chinese value", vecSecret, "GET",
			"/v3/organizations/identity-info?orgName=" + url.QueryEscape("某某科技有限公司") + "&orgIDCardType=", "", "", contentTypeJSON,
			"GET\n*/*\n\napplication/json; charset=UTF-8\n\n/v3/organizations/identity-info?orgIDCardType&orgName=某某科技有限公司",
			"nDtzNda+eHbtOCnJF36uYmlmmMisbTxZQNI5nH8C3Hk="},
		{"7 online tool string", vecSecret, "GET",
			"/v1/signflows/1234567/executeUrl?accountId=438be8042d9843118cbca94f17dc", "",
			"1B2M2Y8AsgTpgAmY7PhCfg==", "application/json;charset=UTF-8",
			"GET\n*/*\n1B2M2Y8AsgTpgAmY7PhCfg==\napplication/json;charset=UTF-8\n\n/v1/signflows/1234567/executeUrl?accountId=438be8042d9843118cbca94f17dc",
			"6WCJ3s0XXtNGRJTR3+LKZogoAubHl0CRXZ+U3h35NJk="},
	}
	now := time.UnixMilli(1700000000000)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			md5 := tt.contentMD5
			if tt.body != "" {
				body = strings.NewReader(tt.body)
				md5 = contentMD5([]byte(tt.body))
			}
			req, err := http.NewRequest(tt.method, "https://smlopenapi.esign.cn"+tt.target, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept", acceptAll)
			req.Header.Set("Content-Type", tt.contentType)
			if md5 != "" {
				req.Header.Set("Content-MD5", md5)
			}
			signer{appID: "app-1", secret: tt.secret}.sign(req, now)
			if got := requestStringToSign(req); got != tt.wantSTS {
				t.Errorf("stringToSign\ngot  %q\nwant %q", got, tt.wantSTS)
			}
			if got := req.Header.Get(headerSignature); got != tt.wantSig {
				t.Errorf("signature: got %q, want %q", got, tt.wantSig)
			}
			for h, want := range map[string]string{headerAppID: "app-1", headerAuthMode: "Signature", headerTimestamp: "1700000000000"} {
				if got := req.Header.Get(h); got != want {
					t.Errorf("%s: got %q, want %q", h, got, want)
				}
			}
		})
	}
}

// TestSignDocRows checks the two §0 rows on the building blocks alone.
func TestSignDocRows(t *testing.T) {
	tests := []struct{ method, md5, path, want string }{
		{"POST", "uxydqKBMBy6x1siClKEQ6Q==", "/v3/sign-flow/create-by-file", "6dYuzEqXUobDAEL97Ja5pvH3QWHpn4R5iJSWEvIsCo8="},
		{"get", "", "/v3/sign-flow/abc123/detail", "xG4jw3vs+xusJ0x3XkIJBwxpTHHzEHqdMGOJ45Ry8Fk="},
	}
	for _, tt := range tests {
		sts := stringToSign(tt.method, acceptAll, tt.md5, contentTypeJSON, "", "", pathAndParameters(tt.path, nil))
		if got := signature(dummySecret, sts); got != tt.want {
			t.Errorf("%s %s: got %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
}

func TestContentMD5(t *testing.T) {
	tests := []struct{ body, want string }{
		{"", "1B2M2Y8AsgTpgAmY7PhCfg=="},
		{"{}", "mZFLkyvTelC5g8XnyQrpOw=="},
		{`{"name":"张某人","age":18}`, "jsmDBtOHeXhiozlzXsFtlg=="},
		{vec3Body, "g8ZXa3r45uf2YCba7K4u+g=="},
	}
	for _, tt := range tests {
		if got := contentMD5([]byte(tt.body)); got != tt.want {
			t.Errorf("contentMD5(%q): got %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestStringToSignHeadersBlock(t *testing.T) {
	got := stringToSign("post", "*/*", "", "", "", "a:1\nb:2", "/p")
	if want := "POST\n*/*\n\n\n\na:1\nb:2\n/p"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func FuzzStringToSign(f *testing.F) {
	f.Add("POST", acceptAll, "uxydqKBMBy6x1siClKEQ6Q==", contentTypeJSON, "", "", "/v3/sign-flow/create-by-file")
	f.Add("GET", acceptAll, "", contentTypeJSON, "", "", "/v3/sign-flow/abc123/detail")
	f.Add("get", "", "", "", "Tue, 14 Nov 2023 22:13:20 GMT", "x:1", "/v3/organizations/identity-info?orgIDCardType&orgName=某某科技有限公司")
	f.Fuzz(func(t *testing.T, method, accept, md5, ctype, date, headers, pap string) {
		got := stringToSign(method, accept, md5, ctype, date, headers, pap)
		if !strings.HasPrefix(got, strings.ToUpper(method)+"\n") || !strings.HasSuffix(got, "\n"+pap) {
			t.Errorf("stringToSign(%q, ..., %q) = %q lost its first or last field", method, pap, got)
		}
		_ = signature("k", got)
	})
}

func FuzzPathAndParameters(f *testing.F) {
	f.Add("/v1/signflows/1234567/executeUrl", "urlType=0&organizeId=0&accountId=438be8042d9843118cbca94f17dc&appScheme=")
	f.Add("/v3/organizations/identity-info", "orgName=%E6%9F%90&orgIDCardType=")
	f.Add("/v3/sign-flow/abc123/detail", "")
	f.Add("/p", "a=1&a=2&%zz=&;=")
	f.Fuzz(func(t *testing.T, path, rawQuery string) {
		q, _ := url.ParseQuery(rawQuery)
		got := pathAndParameters(path, q)
		if !strings.HasPrefix(got, path) {
			t.Errorf("pathAndParameters(%q, %q) = %q does not start with the path", path, rawQuery, got)
		}
		if len(q) == 0 && got != path {
			t.Errorf("pathAndParameters(%q, no query) = %q, want the path", path, got)
		}
	})
}

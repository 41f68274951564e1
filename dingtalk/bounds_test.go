package dingtalk

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"testing"
)

// TestEveryListBounded: every list a request can carry, at any depth, has
// a maxItems tag, so what one request may make the gateway do is bounded
// (README, decisions). The request types are read from requests.go itself,
// so a new one cannot be forgotten here.
func TestEveryListBounded(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "requests.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]reflect.Type{}
	for _, v := range []any{None{}, CancelCorpAuthRequest{}, TaskPath{}, TaskQuery{}, FilePath{}, UserPath{}, InstancePath{},
		RedirectRequest{}, DeveloperQuery{}, DeveloperRequest{}, UserPageRequest{}, UploadURLRequest{}, ChannelOrderRequest{},
		ResaleOrderRequest{}, Party{}, StartParticipant{}, CreateParticipant{}, SignPos{}, SignDate{}, StartFile{}, CreateFile{},
		SourceInfo{}, StartRequestV1{}, StartRequest{}, CreateRequest{}, SignNoticeRequest{}, ExecuteURLRequest{},
		AppTokenRequest{}, CorpTokenRequest{}, SuiteTokenRequest{}} {
		types[reflect.TypeOf(v).Name()] = reflect.TypeOf(v)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, s := range g.Specs {
			name := s.(*ast.TypeSpec).Name.Name
			typ, ok := types[name]
			if !ok {
				t.Errorf("requests.go declares %s, which this test does not check: add it to the list", name)
				continue
			}
			Fields(typ, func(f reflect.StructField, field, _ string) {
				if f.Type.Kind() == reflect.Slice && atoi(f.Tag.Get("maxItems")) <= 0 {
					t.Errorf("%s.%s is a list without maxItems", name, field)
				}
			})
		}
	}
}

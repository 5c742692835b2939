package schema_test

import (
	"testing"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/schema"
	"github.com/apimlint/apimlint/wso2"
)

// FuzzCheck: no node file, however broken, makes validation panic, for
// any role. The seeds run as part of go test.
func FuzzCheck(f *testing.F) {
	for _, seed := range []string{
		"[server]\noffset = \"one\"\n",
		"[[apim.event_hub]]\nenable = 1\n[[apim.event_hub]]\n",
		"[apim.throttling.url_group]\ntraffic_manager_urls = [[1, 2], {a = 1}]\n",
		"server = 3\n[apim]\nthrottling = \"x\"\n",
		"[\"a.b\".\"c\"]\n'd.e' = 1979-05-27T07:32:00Z\n",
		"[[apim.gateway.environment]]\n[[apim.gateway.environment.virtual_host]]\nws_endpoint = 7\n",
		"[server.offset]\nx = 1\n[apim.sync_runtime_artifacts.gateway]\ngateway_labels = [\"$ref{x}\", \"${carbon.host}\"]\n",
		"[database\n",
	} {
		f.Add(seed)
	}
	s, err := schema.Builtin()
	if err != nil {
		f.Fatal(err)
	}
	roles := []wso2.Role{wso2.RoleControlPlane, wso2.RoleGateway, wso2.RoleTrafficManager, wso2.RoleKeyManager, wso2.RoleAllInOne, wso2.RoleOther}
	f.Fuzz(func(t *testing.T, src string) {
		n := lint.NewNode("n", "n/deployment.toml", []byte(src), &lint.Config{}, lint.ResolveOptions{})
		for _, r := range roles {
			n.Role = r
			for _, x := range s.Check(n) {
				if x.Line < 1 || x.Column < 1 || x.Message == "" {
					t.Errorf("role %s: finding without a position or message: %+v", r, x)
				}
			}
		}
	})
}

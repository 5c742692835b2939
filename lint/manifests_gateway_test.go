package lint

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestHTTPRouteAddresses: the gateway node answers to the HTTPRoute's
// hostname, learnt from the route; a wildcard hostname and a route whose
// backend is no Service give no name, and a route decodes with the
// Gateway API types (a bad field is a k8s-manifest finding).
func TestHTTPRouteAddresses(t *testing.T) {
	f, err := LoadPaths([]string{filepath.Join("..", "testdata", "k8s", "httproute", "rendered.yaml")}, strings.NewReader(""), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Manifests.HTTPRoutes) != 2 {
		t.Fatalf("%d HTTPRoutes", len(f.Manifests.HTTPRoutes))
	}
	gw := f.Node("apim-prod/deployment/wso2-am-gateway")
	if gw == nil {
		t.Fatal("no gateway node")
	}
	sources := map[string]string{}
	for _, a := range gw.Addresses {
		sources[a.Host] = a.Source
	}
	if got := sources["api.apim.example.org"]; got != "HTTPRoute apim-prod/wso2-am-gateway-api" {
		t.Errorf("api.apim.example.org: source %q", got)
	}
	if !IsPublicName(gw, "API.apim.example.org") || IsPublicName(gw, "wso2-am-gateway-service") {
		t.Error("IsPublicName: the route's hostname is public, the Service name is not")
	}
	for _, h := range []string{"ws.apim.example.org", "*.apis.example.org"} {
		if _, ok := sources[h]; ok {
			t.Errorf("the gateway answers to %s", h)
		}
	}
	for _, n := range f.Nodes {
		if n != gw {
			for _, a := range n.Addresses {
				if a.Host == "api.apim.example.org" {
					t.Errorf("%s answers to the gateway's route hostname", n.Name)
				}
			}
		}
	}

	bad := "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  hostnames: 7\n"
	f, err = LoadManifests(strings.NewReader(bad), "bad.yaml", LoadOptions{Config: &Config{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Diagnostics) != 1 || f.Diagnostics[0].Rule != RuleK8sManifest || f.Diagnostics[0].Line != 4 || !strings.Contains(f.Diagnostics[0].Message, "HTTPRoute does not decode") {
		t.Errorf("diagnostics %+v", f.Diagnostics)
	}
}

// TestHTTPRouteBackendNamespace: a backendRef naming another namespace
// reaches the Service there, not the one of the same name in the route's.
func TestHTTPRouteBackendNamespace(t *testing.T) {
	route := func(ns, backendNS string) *HTTPRouteObject {
		r := &HTTPRouteObject{ObjectRef: ObjectRef{Kind: "HTTPRoute", Namespace: ns, Name: "r"}}
		text := `{"spec":{"hostnames":["a.example"],"rules":[{"backendRefs":[{"name":"gw"` + backendNS + `}]}]}}`
		m := &Manifests{}
		if err := m.decodeHTTPRoute(r.ObjectRef, []byte(text)); err != nil {
			t.Fatal(err)
		}
		return m.HTTPRoutes[0]
	}
	svc := &ServiceObject{ObjectRef: ObjectRef{Kind: "Service", Namespace: "apim", Name: "gw"}}
	for _, c := range []struct {
		r    *HTTPRouteObject
		want bool
	}{
		{route("apim", ""), true},
		{route("edge", ""), false},
		{route("edge", `,"namespace":"apim"`), true},
		{route("apim", `,"namespace":"edge"`), false},
		{route("apim", `,"kind":"Service","group":""`), true},
	} {
		if got := routeReaches(c.r, svc); got != c.want {
			t.Errorf("route in %s %+v reaches apim/gw: %v, want %v", c.r.Namespace, c.r.Spec.Rules, got, c.want)
		}
	}
}

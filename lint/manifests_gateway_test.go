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

// TestHTTPRouteGatewayListeners: a route without hostnames takes those of
// the listener of its parent Gateway that its sectionName names (not a
// wildcard, not another listener); Istio's kind Gateway is no Gateway
// API Gateway.
func TestHTTPRouteGatewayListeners(t *testing.T) {
	const manifests = `apiVersion: v1
kind: ConfigMap
metadata: {name: gw-conf, namespace: apim}
data:
  deployment.toml: |
    [server]
    server_role = "gateway-worker"
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: gw, namespace: apim}
spec:
  template:
    metadata:
      labels: {app: gw}
    spec:
      volumes:
      - {name: conf, configMap: {name: gw-conf}}
      containers:
      - {name: am, image: wso2am}
---
apiVersion: v1
kind: Service
metadata: {name: gw-svc, namespace: apim}
spec:
  selector: {app: gw}
  ports:
  - {port: 8243}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: edge}
spec:
  gatewayClassName: cloud
  listeners:
  - {name: https, hostname: api.example.org, port: 443, protocol: HTTPS}
  - {name: other, hostname: other.example.org, port: 443, protocol: HTTPS}
  - {name: wild, hostname: "*.example.org", port: 443, protocol: HTTPS}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: apim}
spec:
  servers:
  - hosts: [istio.example.org]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: apim}
spec:
  parentRefs:
  - {name: public, namespace: edge, sectionName: https}
  - {name: public}
  rules:
  - backendRefs:
    - {name: gw-svc, port: 8243}
`
	f, err := LoadManifests(strings.NewReader(manifests), "m.yaml", LoadOptions{Config: &Config{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Manifests.Gateways) != 1 {
		t.Fatalf("%d Gateways", len(f.Manifests.Gateways))
	}
	gw := f.Node("apim/deployment/gw")
	if gw == nil {
		t.Fatal("no gateway node")
	}
	var public []string
	for _, a := range gw.Addresses {
		if strings.HasPrefix(a.Source, "HTTPRoute ") {
			public = append(public, a.Host+" from "+a.Source)
		}
	}
	if len(public) != 1 || public[0] != "api.example.org from HTTPRoute apim/r (listener https of Gateway edge/public)" {
		t.Errorf("public names %q", public)
	}
}

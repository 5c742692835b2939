package lint

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const testManifests = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cp-conf
  namespace: apim
data:
  deployment.toml: |
    [server]
    hostname = "cp"

    [apim.throttling]
    service_url = "https://tm-svc:9443/services/"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: tm-conf
  namespace: apim
data:
  deployment.toml: |-
      [server]
      server_role = "traffic-manager"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: stray-conf
  namespace: apim
data:
  deployment.toml: "[server]\nhostname = \"stray\"\n"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cp
  namespace: apim
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: cp}
    spec:
      volumes:
      - name: conf
        configMap: {name: cp-conf}
      containers:
      - name: am
        image: wso2am
---
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: tm
    namespace: apim
  spec:
    replicas: 2
    serviceName: tm-headless
    template:
      metadata:
        labels: {app: tm}
      spec:
        volumes:
        - name: conf
          configMap: {name: tm-conf}
        containers:
        - name: am
          image: wso2am
- apiVersion: v1
  kind: Service
  metadata:
    name: tm-svc
    namespace: apim
  spec:
    selector: {app: tm}
    ports:
    - {name: https, port: 9443, targetPort: 9443}
- apiVersion: v1
  kind: Service
  metadata:
    name: tm-headless
    namespace: apim
  spec:
    clusterIP: None
    selector: {app: tm}
    ports:
    - {name: https, port: 9443}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: public, namespace: apim}
spec:
  rules:
  - host: tm.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: tm-svc, port: {number: 9443}}}}
  - host: cp.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: cp-svc, port: {number: 9443}}}}
`

// keyRule reports every key of every node where it is written.
var keyRule = &Rule{ID: "test-key", Severity: SeverityWarning, Run: func(p *Pass) {
	for _, n := range p.Fleet.Nodes {
		for _, k := range n.Keys {
			p.Report(AtKey(n, k, "key %s", k.Path))
		}
	}
}}

func TestLoadManifestsNodesAndPositions(t *testing.T) {
	f, err := LoadManifests(strings.NewReader(testManifests), "rendered.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range f.Nodes {
		names = append(names, n.Name)
	}
	if got, want := strings.Join(names, " "), "apim/configmap/stray-conf apim/deployment/cp apim/statefulset/tm"; got != want {
		t.Fatalf("nodes %q, want %q", got, want)
	}
	if w := f.Manifests.Node("apim/deployment/cp").Workload; w == nil || w.Replicas != 2 {
		t.Errorf("cp workload %+v, want replicas 2", w)
	}
	if f.Manifests.Node("apim/configmap/stray-conf").Workload != nil {
		t.Error("stray ConfigMap has a workload")
	}
	l := Linter{Rules: []*Rule{keyRule}}
	res, err := l.Run(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, fd := range res.Findings {
		got[fd.Node+" "+fd.Key] = fd.File + ":" + itoa(fd.Line) + ":" + itoa(fd.Column) + " " + fd.Message
	}
	want := map[string]string{
		// "|": line 7 is the indicator, TOML line 2 is manifest line 9, indent 4.
		"apim/deployment/cp server.hostname":             "rendered.yaml:9:16 key server.hostname",
		"apim/deployment/cp apim.throttling.service_url": "rendered.yaml:12:19 key apim.throttling.service_url",
		// "|-" with 6 spaces of indentation, in the second document.
		"apim/statefulset/tm server.server_role": "rendered.yaml:22:21 key server.server_role",
		// A quoted scalar: the data key's line, with a note.
		"apim/configmap/stray-conf server.hostname": `rendered.yaml:30:3 key server.hostname (line 2 of the double-quoted deployment.toml in ConfigMap apim/stray-conf)`,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestManifestServiceAddresses(t *testing.T) {
	f, err := LoadManifests(strings.NewReader(testManifests), "rendered.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cp := f.Node("apim/deployment/cp")
	for _, host := range []string{"tm-svc", "tm-svc.apim", "tm-svc.apim.svc", "tm-svc.apim.svc.cluster.local", "tm-0.tm-headless.apim.svc.cluster.local", "tm-1.tm-headless"} {
		tg := f.Book.Resolve(host, cp)
		if tg.Node() == nil || tg.Node().Name != "apim/statefulset/tm" {
			t.Errorf("%s resolves to %+v, want the tm node", host, tg)
		}
	}
	tm := f.Node("apim/statefulset/tm")
	var hosts []string
	for _, a := range tm.Addresses {
		hosts = append(hosts, a.Host+" ("+a.Source+")")
	}
	if got := strings.Join(hosts, ", "); !strings.Contains(got, "tm.example.com (Ingress apim/public)") || strings.Contains(got, "cp.example.com") {
		t.Errorf("tm addresses: %s; want the Ingress host of its Service only", got)
	}
	if tg := f.Book.Resolve("cp-svc", cp); tg.Kind != TargetUnknown {
		t.Errorf("cp-svc (no such Service) resolves to %+v", tg)
	}
	if s, _ := f.Manifests.ServiceForHost("tm-svc.apim.svc.cluster.local", "other"); s == nil || s.Name != "tm-svc" {
		t.Errorf("ServiceForHost: %+v", s)
	}
}

func TestLoadManifestsBadYAML(t *testing.T) {
	f, err := LoadManifests(strings.NewReader("kind: ConfigMap\nmetadata: {name: x\n"), "bad.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Diagnostics) != 1 || f.Diagnostics[0].Rule != RuleK8sManifest || f.Diagnostics[0].File != "bad.yaml" || f.Diagnostics[0].Line < 1 {
		t.Fatalf("diagnostics %+v, want one k8s-manifest finding in bad.yaml", f.Diagnostics)
	}
}

// TestLoadPathsMixed: manifests and a deployment.toml folder given together
// make one fleet, in which a Service name from the manifests reaches a
// node and a TOML node keeps its own name and addresses.
func TestLoadPathsMixed(t *testing.T) {
	dir := t.TempDir()
	yamlPath := filepath.Join(dir, "rendered.yaml")
	if err := os.WriteFile(yamlPath, []byte(testManifests), 0o644); err != nil {
		t.Fatal(err)
	}
	vm := filepath.Join(dir, "vm", "gw-1")
	if err := os.MkdirAll(vm, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(vm, "deployment.toml"), []byte("[server]\nhostname = \"gw-1.example.com\"\nserver_role = \"gateway-worker\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := LoadPaths([]string{yamlPath, filepath.Join(dir, "vm")}, strings.NewReader(""), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Nodes) != 4 || f.Manifests == nil {
		t.Fatalf("%d nodes, manifests %v; want 3 from the manifests and gw-1", len(f.Nodes), f.Manifests != nil)
	}
	gw := f.Node("gw-1")
	if gw == nil {
		t.Fatal("no node gw-1")
	}
	if tg := f.Book.Resolve("tm-svc.apim.svc", gw); tg.Node() == nil || tg.Node().Name != "apim/statefulset/tm" {
		t.Errorf("tm-svc.apim.svc from gw-1: %+v", tg)
	}
	if tg := f.Book.Resolve("gw-1.example.com", nil); tg.Node() != gw {
		t.Errorf("gw-1.example.com: %+v", tg)
	}
	// Only TOML: LoadPaths is Load.
	f, err = LoadPaths([]string{filepath.Join(dir, "vm")}, nil, LoadOptions{})
	if err != nil || f.Manifests != nil || len(f.Nodes) != 1 {
		t.Fatalf("TOML only: %v, manifests %v", err, f != nil && f.Manifests != nil)
	}
}

// TestFoldedTOMLPointsAtTheKey: a folded scalar's lines do not map to the
// TOML's, so findings point at the data key.
func TestFoldedTOMLPointsAtTheKey(t *testing.T) {
	src := "kind: ConfigMap\nmetadata: {name: c}\ndata:\n  deployment.toml: >\n    a = 1\n"
	f, err := LoadManifests(strings.NewReader(src), "f.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&Linter{Rules: []*Rule{keyRule}}).Run(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Line != 4 || res.Findings[0].Column != 3 || !strings.Contains(res.Findings[0].Message, "folded") {
		t.Fatalf("findings %+v, want one at the data key 4:3 naming the folded form", res.Findings)
	}
}

package helmchart_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/helmchart"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

var (
	acp = filepath.Join("..", "testdata", "k8s", "helm", "wso2am-acp")
	gw  = filepath.Join("..", "testdata", "k8s", "helm", "wso2am-gw")
)

// lintCharts renders the charts, lints them with every rule and returns
// the findings as "file:line:col: severity: rule" lines.
func lintCharts(t *testing.T, charts ...helmchart.Chart) ([]lint.Finding, *lint.Fleet) {
	t.Helper()
	f, err := helmchart.Load(charts, nil, nil, lint.LoadOptions{Config: &lint.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings, f
}

func at(fd lint.Finding) string {
	return fmt.Sprintf("%s:%d:%d: %s (%s)", filepath.ToSlash(fd.File), fd.Line, fd.Column, fd.Severity, fd.Rule)
}

func has(all []lint.Finding, want string) bool {
	for _, fd := range all {
		if at(fd) == want {
			return true
		}
	}
	return false
}

func dump(all []lint.Finding) string {
	var b strings.Builder
	for _, fd := range all {
		b.WriteString(at(fd) + " " + fd.Message + "\n")
	}
	return b.String()
}

// TestCleanCharts: the control plane and gateway charts, one release
// each, render into a fleet of two nodes with no finding at warning or
// above.
func TestCleanCharts(t *testing.T) {
	all, f := lintCharts(t, helmchart.Chart{Dir: acp}, helmchart.Chart{Dir: gw})
	if len(f.Nodes) != 2 || f.Node("default/deployment/wso2am-acp") == nil || f.Node("default/deployment/wso2am-gw") == nil {
		var names []string
		for _, n := range f.Nodes {
			names = append(names, n.Name)
		}
		t.Fatalf("nodes %v", names)
	}
	if lint.MaxSeverity(all) >= lint.SeverityWarning {
		t.Fatalf("clean charts:\n%s", dump(all))
	}
	// Info findings on lines of confs/deployment.toml point there.
	if !has(all, "../testdata/k8s/helm/wso2am-gw/confs/deployment.toml:65:32: info (jms-without-tls)") {
		t.Errorf("no jms-without-tls at the gateway's confs/deployment.toml:\n%s", dump(all))
	}
}

// TestSetBreaksServicePort: --set moving the control plane's Service port
// makes the gateway's URLs to 9443 reach a port the Service does not
// expose; the findings point at confs/deployment.toml of the gateway chart:
// a line written verbatim there (the key manager's service_url) and a line
// whose host and port are template expressions (the event hub's).
func TestSetBreaksServicePort(t *testing.T) {
	all, _ := lintCharts(t,
		helmchart.Chart{Dir: acp, Set: []string{"wso2.service.ports.https=8443"}},
		helmchart.Chart{Dir: gw})
	for _, want := range []string{
		"../testdata/k8s/helm/wso2am-gw/confs/deployment.toml:47:15: error (k8s-service-port)", // verbatim line
		"../testdata/k8s/helm/wso2am-gw/confs/deployment.toml:61:15: error (k8s-service-port)", // templated line
		"../testdata/k8s/helm/wso2am-acp/confs/deployment.toml:70:15: error (k8s-service-port)",
	} {
		if !has(all, want) {
			t.Errorf("want %s in:\n%s", want, dump(all))
		}
	}
}

// TestReleaseNameMixUp: the gateway installed under another release name
// has another Service name; the control plane's environment still names
// the old one, which only the manifests reveal.
func TestReleaseNameMixUp(t *testing.T) {
	all, _ := lintCharts(t, helmchart.Chart{Dir: acp}, helmchart.Chart{Dir: gw, Release: "gw2"})
	want := "../testdata/k8s/helm/wso2am-acp/confs/deployment.toml:58:15: error (k8s-service-missing)"
	if !has(all, want) {
		t.Fatalf("want %s in:\n%s", want, dump(all))
	}
	for _, fd := range all {
		if fd.Rule == "k8s-service-missing" && !strings.Contains(fd.Message, "gw2-service") {
			t.Errorf("the message does not name the Service the gateway pods are behind: %s", fd.Message)
		}
	}
}

// TestValuesOrder: values files merge over values.yaml in order and --set
// wins over them, as with helm template.
func TestValuesOrder(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yaml")
	b := filepath.Join(dir, "b.yaml")
	write(t, a, "wso2:\n  deployment:\n    hostname: a.example.org\n    replicas: 3\n")
	write(t, b, "wso2:\n  deployment:\n    hostname: b.example.org\n")
	r, err := helmchart.Render(helmchart.Chart{Dir: gw, Namespace: "apim", ValueFiles: []string{a, b}, Set: []string{"wso2.deployment.image=x:1"}})
	if err != nil {
		t.Fatal(err)
	}
	text := rendered(r)
	for _, want := range []string{`hostname = "b.example.org"`, "replicas: 3", "image: x:1", "namespace: apim"} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered chart lacks %q:\n%s", want, text)
		}
	}
	if r.Chart.Release != "wso2am-gw" || r.Name != "wso2am-gw" {
		t.Errorf("release %q, chart %q", r.Chart.Release, r.Name)
	}
	for _, m := range r.Manifests {
		if m.Namespace != "apim" || !strings.HasSuffix(m.File, " (rendered, release wso2am-gw)") || strings.Contains(m.File, "_helpers") {
			t.Errorf("manifest %s, namespace %q", m.File, m.Namespace)
		}
	}
}

func rendered(r *helmchart.Rendered) string {
	var b strings.Builder
	for _, m := range r.Manifests {
		b.Write(m.Data)
	}
	return b.String()
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNamespaceOfObjects: objects a chart renders without a namespace are
// in the release namespace, so short Service names resolve there.
func TestNamespaceOfObjects(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Chart.yaml"), "apiVersion: v2\nname: bare\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  deployment.toml: |\n    [server]\n    hostname = \"x\"\n")
	f, err := helmchart.Load([]helmchart.Chart{{Dir: dir, Namespace: "apim"}}, nil, nil, lint.LoadOptions{Config: &lint.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Nodes) != 1 || f.Nodes[0].Name != "apim/configmap/c" {
		t.Fatalf("nodes: %v", f.Nodes)
	}
}

// TestRenderErrors: what helm template refuses is an error naming the
// chart, never a fleet.
func TestRenderErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Chart.yaml"), "apiVersion: v2\nname: req\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "templates", "cm.yaml"), "x: {{ required \"wso2.hostname is required\" .Values.wso2 }}\n")
	dep := t.TempDir()
	write(t, filepath.Join(dep, "Chart.yaml"), "apiVersion: v2\nname: dep\nversion: 0.1.0\ndependencies:\n- name: sub\n  version: 1.0.0\n")
	for _, c := range []struct {
		charts []helmchart.Chart
		want   string
	}{
		{[]helmchart.Chart{{Dir: filepath.Join(dir, "missing")}}, "load chart"},
		{[]helmchart.Chart{{Dir: dir}}, "wso2.hostname is required"},
		{[]helmchart.Chart{{Dir: dep}}, "helm dependency build"},
		{[]helmchart.Chart{{Dir: gw, Set: []string{"a.b[=1"}}}, "--set a.b[=…"},
		{[]helmchart.Chart{{Dir: gw, ValueFiles: []string{filepath.Join(dir, "nope.yaml")}}}, "values file"},
		{[]helmchart.Chart{{Dir: gw, Release: "Not_A_Name"}}, "release name"},
		{[]helmchart.Chart{{Dir: gw}, {Dir: gw}}, `both release "wso2am-gw"`},
		{nil, "no chart"},
	} {
		_, err := helmchart.Load(c.charts, nil, nil, lint.LoadOptions{Config: &lint.Config{}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.charts, err, c.want)
		}
	}
	if _, err := helmchart.Load([]helmchart.Chart{{Dir: gw}}, []string{"-"}, nil, lint.LoadOptions{}); err == nil || !strings.Contains(err.Error(), "no standard input") {
		t.Errorf("- without stdin: %v", err)
	}
}

// TestLoadWithPaths: charts load together with manifests given as paths:
// one fleet.
func TestLoadWithPaths(t *testing.T) {
	f, err := helmchart.Load([]helmchart.Chart{{Dir: gw}}, []string{filepath.Join("..", "testdata", "k8s", "clean", "rendered.yaml")}, nil, lint.LoadOptions{Config: &lint.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Nodes) != 7 || f.Node("default/deployment/wso2am-gw") == nil || f.Node("apim-prod/deployment/wso2-am-km") == nil {
		t.Fatalf("%d nodes", len(f.Nodes))
	}
}

// TestSetErrorHidesValue: a --set that does not parse is reported by its
// key: the value may be a password.
func TestSetErrorHidesValue(t *testing.T) {
	_, err := helmchart.Render(helmchart.Chart{Dir: gw, Set: []string{"wso2.admin[0=s3cr3t-Value"}})
	if err == nil || strings.Contains(err.Error(), "s3cr3t-Value") || !strings.Contains(err.Error(), "--set wso2.admin[0=…") {
		t.Fatalf("error %v", err)
	}
	// Helm's parser takes what follows an unescaped comma for another key
	// and quotes it in its error.
	_, err = helmchart.Render(helmchart.Chart{Dir: gw, Set: []string{"db.password=s3cr,etPart"}})
	if err == nil || strings.Contains(err.Error(), "etPart") || strings.Contains(err.Error(), "s3cr") {
		t.Fatalf("error %v", err)
	}
}

// TestRenderedFallback: a line the chart holds neither verbatim nor as a
// template (printf built it) is reported at the rendered template, named
// after it with the release, at the rendered line; a TOML kept in
// values.yaml and rendered as written points at values.yaml.
func TestRenderedFallback(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Chart.yaml"), "apiVersion: v2\nname: inline\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  deployment.toml: |\n    [server]\n    hostname = \"x\"\n    {{ printf \"[%s\" \"broken\" }}\n")
	all, _ := lintCharts(t, helmchart.Chart{Dir: dir, Release: "r1"})
	want := filepath.ToSlash(filepath.Join(dir, "templates", "cm.yaml")) + " (rendered, release r1):9:12: error (toml-syntax)"
	if !has(all, want) {
		t.Fatalf("want %s in:\n%s", want, dump(all))
	}

	dir = t.TempDir()
	write(t, filepath.Join(dir, "Chart.yaml"), "apiVersion: v2\nname: inline\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "values.yaml"), "toml: |\n  [server]\n  hostname = \"x\"\n  [broken\n")
	write(t, filepath.Join(dir, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  deployment.toml: |\n{{ .Values.toml | indent 4 }}\n")
	override := filepath.Join(t.TempDir(), "prod.yaml")
	write(t, override, "toml: |\n  [server]\n  hostname = \"prod\"\n  [broken\n")
	all, _ = lintCharts(t, helmchart.Chart{Dir: dir})
	want = filepath.ToSlash(filepath.Join(dir, "values.yaml")) + ":4:10: error (toml-syntax)"
	if !has(all, want) {
		t.Fatalf("want %s in:\n%s", want, dump(all))
	}
	// The -f file wins over values.yaml: its line is the one rendered.
	all, _ = lintCharts(t, helmchart.Chart{Dir: dir, ValueFiles: []string{override}})
	want = filepath.ToSlash(override) + ":4:10: error (toml-syntax)"
	if !has(all, want) {
		t.Fatalf("want %s in:\n%s", want, dump(all))
	}
}

// TestNoCluster: lookup sees no cluster and getHostByName resolves
// nothing: rendering never leaves the process.
func TestNoCluster(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Chart.yaml"), "apiVersion: v2\nname: offline\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  found: \"{{ lookup \"v1\" \"Secret\" \"apim\" \"wso2am-secrets\" | len }}\"\n  ip: \"{{ getHostByName \"localhost\" }}\"\n")
	r, err := helmchart.Render(helmchart.Chart{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if text := rendered(r); !strings.Contains(text, `found: "0"`) || !strings.Contains(text, `ip: ""`) {
		t.Fatalf("rendered:\n%s", text)
	}
}

// TestValueWarningsSilent: Helm's warning on a value that cannot replace
// a table prints the table, here a password; Render keeps it from the
// log.
func TestValueWarningsSilent(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Chart.yaml"), "apiVersion: v2\nname: warn\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "values.yaml"), "wso2:\n  admin:\n    password: hunter2-secret\n")
	write(t, filepath.Join(dir, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
	var buf strings.Builder
	saved := log.Writer()
	log.SetOutput(&buf)
	defer log.SetOutput(saved)
	if _, err := helmchart.Render(helmchart.Chart{Dir: dir, Set: []string{"wso2.admin=plain"}}); err != nil {
		t.Fatal(err)
	}
	log.Print("after")
	if strings.Contains(buf.String(), "hunter2") || !strings.Contains(buf.String(), "after") {
		t.Fatalf("log: %q", buf.String())
	}
}

// TestReadmeIsNoSource: a chart README whose example holds the very line
// the chart rendered is documentation, not where the line came from.
func TestReadmeIsNoSource(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Chart.yaml"), "apiVersion: v2\nname: doc\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "README.md"), "Set the hostname:\n\n    hostname = \"h.example\"\n")
	write(t, filepath.Join(dir, "values.yaml"), "host: h.example\n")
	write(t, filepath.Join(dir, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  deployment.toml: |\n    [server]\n    hostname = \"{{ .Values.host }}\"\n    offset = 1\n")
	r, err := helmchart.Render(helmchart.Chart{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	file, line, col, ok := r.Manifests[0].Origin.Origin(8, 17)
	if want := filepath.Join(dir, "templates", "cm.yaml"); !ok || file != want || line != 8 || col != 17 {
		t.Errorf("rendered line 8 maps to %s:%d:%d (%v), want %s:8:17", file, line, col, ok, want)
	}
}

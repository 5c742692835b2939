package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var (
	chartACP = filepath.Join(repoTestdata, "k8s", "helm", "wso2am-acp")
	chartGW  = filepath.Join(repoTestdata, "k8s", "helm", "wso2am-gw")
)

// TestLintHelm: --helm renders each chart as its own release and lints
// them as one fleet; -f/--set/--release after a --helm belong to that
// chart, and findings point at the chart's files.
func TestLintHelm(t *testing.T) {
	out, errOut, code := apimlint(t, "lint", "--fail-on", "warning", "--helm", chartACP, "--helm", chartGW)
	if code != exitOK || !strings.Contains(out, "in 2 nodes") {
		t.Fatalf("clean charts: exit %d\n%s%s", code, out, errOut)
	}
	// --set after the first --helm breaks the control plane's Service
	// port; the gateway's URLs to it are errors at the gateway chart's
	// confs/deployment.toml.
	out, errOut, code = apimlint(t, "lint", "--helm", chartACP, "--set", "wso2.service.ports.https=8443", "--helm", chartGW)
	if code != exitFindings || !strings.Contains(out, "k8s/helm/wso2am-gw/confs/deployment.toml:47:15: error:") || !strings.Contains(out, "(k8s-service-port)") {
		t.Fatalf("--set breaking a port: exit %d\n%s%s", code, out, errOut)
	}
	// The same --set after the second --helm changes the gateway chart,
	// where wso2.service.ports.https is the gateway's own: nothing breaks.
	if out, errOut, code = apimlint(t, "lint", "--fail-on", "warning", "--helm", chartACP, "--helm", chartGW, "--set", "wso2.service.ports.nioHttps=8243"); code != exitOK {
		t.Fatalf("--set on the gateway chart: exit %d\n%s%s", code, out, errOut)
	}
	// A release name changes the gateway's Service name.
	out, _, code = apimlint(t, "lint", "--helm", chartACP, "--helm", chartGW, "--release", "gw2")
	if code != exitFindings || !strings.Contains(out, "k8s/helm/wso2am-acp/confs/deployment.toml:58:15: error:") || !strings.Contains(out, "Service gw2-service (k8s-service-missing)") {
		t.Fatalf("--release gw2: exit %d\n%s", code, out)
	}
	// Flags before the first --helm apply to every chart.
	values := filepath.Join(t.TempDir(), "ns.yaml")
	if err := os.WriteFile(values, []byte("wso2:\n  service:\n    ports:\n      https: 8443\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = apimlint(t, "lint", "--namespace", "apim", "-f", values, "--helm", chartACP, "--helm", chartGW)
	if code != exitFindings || !strings.Contains(out, "reaches Service apim/wso2am-acp-service on port 9443") || !strings.Contains(out, "exposes 8099, 8243, 8280, 8443, 9099") {
		t.Fatalf("--namespace and -f for both charts: exit %d\n%s", code, out)
	}
}

// TestLintHelmUsage: what does not go with --helm is a usage error.
func TestLintHelmUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-f", "v.yaml", repoTestdata + "/clean-ha"}, "go with --helm"},
		{[]string{"--release", "a", "--helm", chartACP, "--helm", chartGW}, "put --release NAME after each --helm"},
		{[]string{"--helm", chartACP, "--helm", chartACP}, `both release "wso2am-acp"`},
		{[]string{"--helm", filepath.Join(t.TempDir(), "nochart")}, "load chart"},
		{[]string{"--fix", "--helm", chartACP}, "fix the chart"},
		{[]string{"--fleet", "prod", "--helm", chartACP}, "--fleet prod: Kubernetes manifests and --helm charts are linted as one fleet"},
		{[]string{"--fleet", "prod", filepath.Join(repoTestdata, "k8s", "clean", "rendered.yaml")}, "--fleet prod: Kubernetes manifests"},
		{[]string{"--helm", chartACP, "--set", "x[=1"}, "--set x[=…"},
	} {
		_, errOut, code := apimlint(t, append([]string{"lint"}, c.args...)...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("lint %s: exit %d, stderr %q, want %q", strings.Join(c.args, " "), code, errOut, c.want)
		}
	}
}

// TestLintHelmSARIF: SARIF from --helm names the chart's file.
func TestLintHelmSARIF(t *testing.T) {
	out, _, code := apimlint(t, "lint", "--format", "sarif", "--helm", chartACP, "--set", "wso2.service.ports.https=8443", "--helm", chartGW)
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	uris := sarifURIs(t, out)
	if !strings.Contains(strings.Join(uris, " "), "testdata/k8s/helm/wso2am-gw/confs/deployment.toml") {
		t.Errorf("SARIF artifact URIs %v", uris)
	}
}

func sarifURIs(t *testing.T, out string) []string {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("SARIF: %v\n%s", err, out)
	}
	var uris []string
	for _, r := range log.Runs {
		for _, res := range r.Results {
			for _, l := range res.Locations {
				uris = append(uris, l.PhysicalLocation.ArtifactLocation.URI)
			}
		}
	}
	return uris
}

// withStdin runs fn with os.Stdin reading file.
func withStdin(t *testing.T, file string, fn func()) {
	t.Helper()
	in, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	saved := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = saved }()
	fn()
}

// TestStdinName: manifests read from - are named "stdin" in findings, or
// what --stdin-name says; SARIF artifact URIs and GitHub annotations use
// the name, never "-".
func TestStdinName(t *testing.T) {
	fixture, err := filepath.Abs(filepath.Join(repoTestdata, "k8s", "replicas-gateway-id", "rendered.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // no git checkout: report paths are relative to here
	var out string
	withStdin(t, fixture, func() { out, _, _ = apimlint(t, "lint", "-") })
	if !strings.Contains(out, "stdin:402:18: warning: gateway_id") {
		t.Errorf("text:\n%s", out)
	}
	withStdin(t, fixture, func() { out, _, _ = apimlint(t, "lint", "--format", "sarif", "-") })
	if uris := sarifURIs(t, out); len(uris) == 0 || uris[0] != "stdin" {
		t.Errorf("SARIF URIs %v, want stdin", uris)
	}
	withStdin(t, fixture, func() {
		out, _, _ = apimlint(t, "lint", "--format", "sarif", "--stdin-name", "deploy/apim/rendered.yaml", "-")
	})
	if uris := sarifURIs(t, out); len(uris) == 0 || uris[0] != "deploy/apim/rendered.yaml" {
		t.Errorf("SARIF URIs %v, want deploy/apim/rendered.yaml", uris)
	}
	withStdin(t, fixture, func() {
		out, _, _ = apimlint(t, "lint", "--format", "github", "--stdin-name", "deploy/apim/rendered.yaml", "-")
	})
	if !strings.Contains(out, "::warning file=deploy/apim/rendered.yaml,line=402,col=18,title=k8s-replicas-gateway-id::") || strings.Contains(out, "file=-") {
		t.Errorf("github:\n%s", out)
	}
}

// TestREADMEHelmCommands runs the README's --helm command lines from the
// repository root: the first is clean, the others report what the README
// says they do.
func TestREADMEHelmCommands(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "apimlint lint ") && strings.Contains(l, "--helm testdata/") {
			lines = append(lines, l)
		}
	}
	want := []struct {
		code int
		rule string
	}{{exitOK, ""}, {exitFindings, "(k8s-service-port)"}, {exitFindings, "(k8s-service-missing)"}}
	if len(lines) != len(want) {
		t.Fatalf("README --helm command lines: %q", lines)
	}
	t.Chdir("../..")
	for i, l := range lines {
		out, errOut, code := apimlint(t, strings.Fields(l)[1:]...)
		if code != want[i].code || !strings.Contains(out, want[i].rule) {
			t.Errorf("%s: exit %d, want %d with %s\n%s%s", l, code, want[i].code, want[i].rule, out, errOut)
		}
	}
}

// TestNodesHelm: apimlint nodes --helm shows the nodes the charts render,
// named after their workloads, with the HTTPRoute's public name.
func TestNodesHelm(t *testing.T) {
	out, errOut, code := apimlint(t, "nodes", "--namespace", "apim", "--helm", chartACP, "--helm", chartGW, "--set", "wso2.route.hostnames[0]=api.apim.example.org")
	if code != exitOK || !strings.Contains(out, "apim/deployment/wso2am-acp ") || !strings.Contains(out, "2 replicas: an HA group of identical peers") ||
		!strings.Contains(out, "api.apim.example.org (HTTPRoute apim/wso2am-gw)") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

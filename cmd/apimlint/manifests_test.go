package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintManifests: a manifest file is linted as Kubernetes manifests,
// findings point at its lines, and a broken twin exits 1.
func TestLintManifests(t *testing.T) {
	out, errOut, code := apimlint(t, "lint", "--fail-on", "warning", filepath.Join(repoTestdata, "k8s", "clean", "rendered.yaml"))
	if code != exitOK || !strings.Contains(out, "in 6 nodes") {
		t.Fatalf("clean manifests: exit %d\n%s%s", code, out, errOut)
	}
	out, _, code = apimlint(t, "lint", filepath.Join(repoTestdata, "k8s", "service-port"))
	if code != 1 || !strings.Contains(out, "k8s/service-port/rendered.yaml:278:28: error:") || !strings.Contains(out, "(k8s-service-port)") {
		t.Fatalf("broken manifests: exit %d\n%s", code, out)
	}
}

// TestLintManifestsStdin: "apimlint lint -" reads manifests from standard
// input (helm template … | apimlint lint -) and names the file "stdin".
func TestLintManifestsStdin(t *testing.T) {
	if os.Getenv("APIMLINT_STDIN_CHILD") == "1" {
		os.Exit(run(&cliEnv{stdout: os.Stdout, stderr: os.Stderr, getenv: testGetenv}, []string{"lint", "-"}))
	}
	in, err := os.Open(filepath.Join(repoTestdata, "k8s", "replicas-gateway-id", "rendered.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLintManifestsStdin$")
	cmd.Env = append(os.Environ(), "APIMLINT_STDIN_CHILD=1")
	cmd.Stdin = in
	out, err := cmd.Output()
	if err != nil { // warnings only: exit 0 with the default --fail-on error
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "stdin:402:18: warning: gateway_id \"wso2-gw-0\" is shared by all 2 replicas") {
		t.Fatalf("stdin manifests:\n%s", out)
	}
}

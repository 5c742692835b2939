package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
)

// TestGraphManifests: graph given rendered manifests draws the Kubernetes
// fleet (nodes named after their workloads, the file pointing into the
// manifest), not "no node files".
func TestGraphManifests(t *testing.T) {
	out, stderr, code := apimlint(t, "graph", "--format", "json", filepath.Join(repoTestdata, "k8s", "clean"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var g struct {
		Nodes []struct {
			Name string `json:"name"`
			Kind string `json:"kind"`
			File string `json:"file"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatalf("graph json: %v\n%s", err, out)
	}
	nodes := map[string]string{}
	for _, n := range g.Nodes {
		if n.Kind == "node" {
			nodes[n.Name] = n.File
		}
	}
	for _, want := range []string{"apim-prod/deployment/wso2-am-gateway", "apim-prod/deployment/wso2-am-cp-1", "apim-prod/deployment/wso2-am-km"} {
		if !strings.Contains(nodes[want], "rendered.yaml#configmap/") {
			t.Errorf("graph lacks node %s drawn from the manifest (nodes: %v)", want, nodes)
		}
	}
	if len(nodes) != 6 {
		t.Errorf("graph draws %d nodes, want the 6 workloads: %v", len(nodes), nodes)
	}
}

// TestGraphManifestsStdin: "apimlint graph -" reads manifests from
// standard input (helm template … | apimlint graph -).
func TestGraphManifestsStdin(t *testing.T) {
	if os.Getenv("APIMLINT_GRAPH_STDIN_CHILD") == "1" {
		os.Exit(run(&cliEnv{stdout: os.Stdout, stderr: os.Stderr, getenv: testGetenv}, []string{"graph", "--format", "mermaid", "-"}))
	}
	in, err := os.Open(filepath.Join(repoTestdata, "k8s", "clean", "rendered.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestGraphManifestsStdin$")
	cmd.Env = append(os.Environ(), "APIMLINT_GRAPH_STDIN_CHILD=1")
	cmd.Stdin = in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "flowchart") || !strings.Contains(string(out), "apim-prod/deployment/wso2-am-tm-2") {
		t.Fatalf("graph - on manifests:\n%s", out)
	}
}

// manifestWithURLs is one gateway Deployment whose mounted ConfigMap names
// the given key manager and throttling URLs.
func manifestWithURLs(km, tm string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: gw-conf
  namespace: apim
data:
  deployment.toml: |
    [server]
    server_role = "gateway-worker"

    [apim.key_manager]
    service_url = "%s"

    [apim.throttling]
    throttle_decision_endpoints = ["%s"]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: gw
  namespace: apim
spec:
  replicas: 1
  selector:
    matchLabels: {app: gw}
  template:
    metadata:
      labels: {app: gw}
    spec:
      containers:
        - name: gw
          image: wso2/wso2am-universal-gw:4.3.0
          volumeMounts:
            - name: conf
              mountPath: /home/wso2carbon/wso2-config-volume/repository/conf/deployment.toml
              subPath: deployment.toml
      volumes:
        - name: conf
          configMap:
            name: gw-conf
`, km, tm)
}

// TestProbeManifests: probe given manifests dials the endpoints of the
// Kubernetes fleet's nodes (local listeners: no network), names the
// workload node, and points its findings into the manifest file.
func TestProbeManifests(t *testing.T) {
	open := serveLoopback(t, func(net.Conn) {})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "rendered.yaml")
	fleettest.WriteFile(t, file, manifestWithURLs(fmt.Sprintf("http://127.0.0.1:%d/services/", open), fmt.Sprintf("tcp://127.0.0.1:%d", dead)))

	stdout, stderr, code := probeCLI(t, "probe", "--loopback", "--format", "json", dir)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr: %s\n%s", code, exitFindings, stderr, stdout)
	}
	var doc struct {
		Findings []lint.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("json output: %v\n%s", err, stdout)
	}
	if len(doc.Findings) != 1 {
		t.Fatalf("want one finding (the dead throttling endpoint), got %d:\n%s", len(doc.Findings), stdout)
	}
	f := doc.Findings[0]
	if f.Rule != "endpoint-unreachable" || f.Node != "apim/deployment/gw" || !strings.HasPrefix(f.File, file) || f.Line != 15 {
		t.Errorf("finding %s at %s:%d on node %s; want endpoint-unreachable at %s:15 on apim/deployment/gw", f.Rule, f.File, f.Line, f.Node, file)
	}
	if !strings.Contains(stderr, "probed 2 endpoints") {
		t.Errorf("stderr lacks the probe summary:\n%s", stderr)
	}
	// --list dials nothing and names the workload node.
	stdout, _, code = probeCLI(t, "probe", "--list", "--loopback", file)
	if code != exitOK || !strings.Contains(stdout, fmt.Sprintf("tcp://127.0.0.1:%d", dead)) || !strings.Contains(stdout, "apim/deployment/gw:15") {
		t.Errorf("--list on a manifest: exit %d\n%s", code, stdout)
	}
}

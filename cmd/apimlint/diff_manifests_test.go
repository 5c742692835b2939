package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffFleetManifests: diff --fleet takes Kubernetes manifests (a
// directory of them or one file) and the node names apimlint nodes shows;
// the keys' places are the manifest's lines, and an unknown name lists
// the real node names.
func TestDiffFleetManifests(t *testing.T) {
	dir := filepath.Join(repoTestdata, "k8s", "clean")
	for _, fleet := range []string{dir, filepath.Join(dir, "rendered.yaml")} {
		out, errOut, code := apimlint(t, "diff", "--fleet", fleet, "apim-prod/deployment/wso2-am-tm-1", "apim-prod/deployment/wso2-am-tm-2")
		if code != exitFindings || !strings.Contains(out, "2 differences") {
			t.Fatalf("diff --fleet %s: exit %d\n%s%s", fleet, code, out, errOut)
		}
		want := "    a " + filepath.Join(dir, "rendered.yaml") + ":278:27: [\"ssl://wso2-am-tm-2-service.apim-prod.svc.cluster.local:8672\"]"
		if !strings.Contains(out, want) {
			t.Errorf("diff --fleet %s: no line %q:\n%s", fleet, want, out)
		}
		_, errOut, code = apimlint(t, "diff", "--fleet", fleet, "apim-prod/deployment/wso2-am-tm-1", "tm-9")
		if code != exitUsage || !strings.Contains(errOut, `no node "tm-9"`) || !strings.Contains(errOut, "nodes: apim-prod/deployment/wso2-am-cp-1, apim-prod/deployment/wso2-am-cp-2,") {
			t.Errorf("unknown node in %s: exit %d\n%s", fleet, code, errOut)
		}
	}
}

// TestNodesDormant: apimlint nodes says that an unmounted ConfigMap has no
// addresses (its name is no host) and why, in text and JSON.
func TestNodesDormant(t *testing.T) {
	dir := filepath.Join(repoTestdata, "k8s", "configmap-unmounted")
	out, errOut, code := apimlint(t, "nodes", dir)
	want := "apim-prod/configmap/wso2-am-gateway-conf-old  " + filepath.Join(dir, "rendered.yaml") + "#configmap/apim-prod/wso2-am-gateway-conf-old/deployment.toml\n" +
		"  role:      gateway"
	if code != exitOK || !strings.Contains(out, want) || !strings.Contains(out, "  addresses: none (no server runs this file)\n") {
		t.Fatalf("nodes: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, "wso2-am-gateway-conf-old (") {
		t.Errorf("the ConfigMap's name is shown as an address:\n%s", out)
	}
	out, _, _ = apimlint(t, "nodes", "--format", "json", dir)
	if !strings.Contains(out, `"dormant": "ConfigMap apim-prod/wso2-am-gateway-conf-old is mounted by no workload (Deployment, StatefulSet, DaemonSet or Rollout)"`) {
		t.Errorf("nodes json lacks dormant:\n%s", out)
	}
}

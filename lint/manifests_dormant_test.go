package lint

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestUnmountedConfigMapIsDormant: a ConfigMap no workload mounts is a
// node whose file is linted, but no server: it has no addresses (its name
// is a ConfigMap's, its [server] hostname no pod's), it is in no role's
// list and shares no cluster hostname, and nothing resolves to it.
func TestUnmountedConfigMapIsDormant(t *testing.T) {
	f, err := LoadPaths([]string{filepath.Join("..", "testdata", "k8s", "configmap-unmounted")}, nil, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	old := f.Node("apim-prod/configmap/wso2-am-gateway-conf-old")
	live := f.Node("apim-prod/deployment/wso2-am-gateway")
	if old == nil || live == nil {
		t.Fatal("fixture lacks its gateway nodes")
	}
	if !strings.Contains(old.Dormant, "ConfigMap apim-prod/wso2-am-gateway-conf-old") || live.Dormant != "" {
		t.Errorf("Dormant: old %q, live %q", old.Dormant, live.Dormant)
	}
	if len(old.Addresses) != 0 {
		t.Errorf("dormant node has addresses %v", old.Addresses)
	}
	for _, n := range f.ByRole(RoleGateway) {
		if n == old {
			t.Error("dormant node listed among the gateways")
		}
	}
	if got := f.Book.Resolve("wso2-am-gateway-conf-old", live); got.Kind != TargetUnknown {
		t.Errorf("the ConfigMap's name resolves to %v", got.Nodes)
	}
	// The [server] hostname both files write is the live gateway's own,
	// not a cluster of "all 2 gateway nodes".
	if _, ok := f.Book.LoadBalancer("gw.apim.example.org"); ok {
		t.Error("gw.apim.example.org learnt as a gateway cluster shared with the dormant node")
	}
	if !live.Answers("gw.apim.example.org") {
		t.Error("the live gateway does not answer to its [server] hostname")
	}
	// It connects to nothing (graph draws no edge from it).
	var links int
	for _, l := range f.Links() {
		if l.From == old {
			t.Errorf("link from the dormant node: %s to %s", l.Key, l.Host)
		}
		if l.From == live {
			links++
		}
	}
	if links == 0 {
		t.Error("the live gateway has no links")
	}
	// Its file is still read, and linted on its own.
	if len(old.Keys) == 0 {
		t.Error("the dormant node's file was not read")
	}
}

// TestDaemonSetAndRolloutMountTheirConfigMaps: a gateway run as a
// DaemonSet or an Argo Rollout mounts its ConfigMap like a Deployment: its
// node is a server, not a dormant file.
func TestDaemonSetAndRolloutMountTheirConfigMaps(t *testing.T) {
	for _, kind := range []string{"DaemonSet", "Rollout"} {
		apiVersion := "apps/v1"
		replicas := ""
		if kind == "Rollout" {
			apiVersion, replicas = "argoproj.io/v1alpha1", "  replicas: 2\n"
		}
		yaml := `apiVersion: v1
kind: ConfigMap
metadata:
  name: gw-conf
  namespace: apim
data:
  deployment.toml: |
    [server]
    hostname = "gw.apim.example.org"
    server_role = "gateway-worker"
---
apiVersion: ` + apiVersion + `
kind: ` + kind + `
metadata:
  name: gw
  namespace: apim
spec:
` + replicas + `  selector:
    matchLabels: {app: gw}
  template:
    metadata:
      labels: {app: gw}
    spec:
      containers:
        - name: gw
          image: wso2/wso2am-universal-gw:4.7.0
          volumeMounts:
            - name: conf
              mountPath: /home/wso2carbon/wso2-config-volume/repository/conf/deployment.toml
              subPath: deployment.toml
      volumes:
        - name: conf
          configMap:
            name: gw-conf
`
		f, err := LoadManifests(strings.NewReader(yaml), "rendered.yaml", LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		gws := f.ByRole(RoleGateway)
		if len(gws) != 1 || gws[0].Dormant != "" {
			t.Errorf("%s: gateways %v, want one live node", kind, manifestNodeNames(f.Nodes))
			continue
		}
		if want := "apim/" + strings.ToLower(kind) + "/gw"; gws[0].Name != want {
			t.Errorf("%s: node %s, want %s", kind, gws[0].Name, want)
		}
	}
}

func manifestNodeNames(ns []*Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Name + " " + n.Dormant
	}
	return out
}

package lint

import (
	"strings"
	"testing"
)

const podsManifest = `apiVersion: v1
kind: ConfigMap
metadata: {name: tm-conf, namespace: apim}
data:
  deployment.toml: |
    [server]
    server_role = "traffic-manager"
---
apiVersion: v1
kind: ConfigMap
metadata: {name: gw-conf, namespace: apim}
data:
  deployment.toml: |
    [server]
    server_role = "gateway-worker"
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: tm, namespace: apim}
spec:
  replicas: 2
  serviceName: tm-hl
  template:
    metadata: {labels: {app: tm}}
    spec:
      volumes: [{name: conf, configMap: {name: tm-conf}}]
      containers: [{name: am, image: wso2am}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: gw, namespace: apim}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: gw}}
    spec:
      volumes: [{name: conf, configMap: {name: gw-conf}}]
      containers: [{name: am, image: wso2am}]
---
apiVersion: v1
kind: Service
metadata: {name: tm-hl, namespace: apim}
spec:
  clusterIP: None
  selector: {app: tm}
  ports: [{port: 9611}]
---
apiVersion: v1
kind: Service
metadata: {name: tm, namespace: apim}
spec:
  selector: {app: tm}
  ports: [{port: 9611}]
`

// TestPodName: the DNS name of one StatefulSet replica names that pod, in
// every form a pod can write it; Services, ordinals past the replicas and
// other namespaces name none; the address book passes the pod on.
func TestPodName(t *testing.T) {
	f, err := LoadManifests(strings.NewReader(podsManifest), "rendered.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tm, gw := f.Node("apim/statefulset/tm"), f.Node("apim/deployment/gw")
	if tm == nil || gw == nil {
		t.Fatal("nodes missing")
	}
	for host, want := range map[string]string{
		"tm-0.tm-hl":                         "tm-0",
		"tm-1.tm-hl.apim":                    "tm-1",
		"TM-1.tm-hl.apim.svc":                "tm-1",
		"tm-1.tm-hl.apim.svc.cluster.local":  "tm-1",
		"tm-2.tm-hl.apim.svc.cluster.local":  "", // replicas: 2
		"tm-01.tm-hl":                        "",
		"tm-0.tm":                            "", // not headless: no pod names
		"tm-0.tm-hl.other.svc.cluster.local": "",
		"tm-hl.apim.svc.cluster.local":       "",
		"tm.apim.svc.cluster.local":          "",
		"tm-0":                               "",
	} {
		if got := f.Manifests.PodName(host, tm); got != want {
			t.Errorf("PodName(%q) = %q, want %q", host, got, want)
		}
	}
	if got := f.Manifests.PodName("gw-0.tm-hl", gw); got != "" {
		t.Errorf("a Deployment's node has pod %q", got)
	}
	for host, want := range map[string]string{"tm-1.tm-hl.apim.svc.cluster.local": "tm-1", "tm-hl.apim.svc.cluster.local": "", "tm.apim": ""} {
		got := f.Book.Resolve(host, gw)
		if got.Node() != tm || got.Pod != want {
			t.Errorf("Resolve(%q) = node %v pod %q, want tm pod %q", host, got.Nodes, got.Pod, want)
		}
	}
	if got := f.Manifests.PodNames(tm); len(got) != 2 || got[0] != "tm-0" || got[1] != "tm-1" {
		t.Errorf("PodNames(tm) = %v", got)
	}
	if got := f.Manifests.PodNames(gw); got != nil {
		t.Errorf("PodNames(gw) = %v", got)
	}
	if r := f.Manifests.Replicas(tm); r != 2 {
		t.Errorf("Replicas(tm) = %d", r)
	}
	var none *Manifests
	if none.PodName("tm-0.tm-hl", tm) != "" || none.Replicas(tm) != 1 {
		t.Error("nil Manifests")
	}
}

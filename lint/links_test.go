package lint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/google/go-cmp/cmp"
)

func TestLinks(t *testing.T) {
	f := loadMap(t, map[string]string{
		"cp-1/deployment.toml": `[server]
hostname = "cp-1"
server_role = "control-plane"
[database.apim_db]
url = "jdbc:mysql://db.example.com:3306/apim?user=u&password=Hunter2Hunter2"
[database.shared_db]
type = "mysql"
hostname = "shared.example.com"
port = 3307
[database.local_db]
url = "jdbc:h2:./repository/database/WSO2AM_DB"
[database.ora_db]
url = "jdbc:oracle:thin:@ora.example.com:1521/ORCL"
[[apim.gateway.environment]]
name = "Default"
service_url = "https://[gateway-host]:9443/services/"
[apim.event_hub]
event_listening_endpoints = ["tcp://localhost:5672"]
`,
		"gw-1/deployment.toml": `[server]
hostname = "gw-1"
server_role = "gateway-worker"
[apim.event_hub]
event_listening_endpoints = ["tcp://cp-1:5672", "tcp://cp-9:5672", "tcp://${env.CP}:5672"]
[apim.key_manager]
service_url = "https://cp-1:9443/services/"
`,
	})
	got := map[string]Link{}
	for _, l := range f.Links() {
		got[l.From.Name+" "+l.Key+" "+l.Host] = l
		if strings.Contains(l.Host, "Hunter2") || strings.Contains(l.Scheme, "Hunter2") {
			t.Errorf("link %+v carries the JDBC password", l)
		}
	}
	check := func(key string, kind LinkKind, target TargetKind, port int) {
		t.Helper()
		l, ok := got[key]
		if !ok {
			t.Errorf("no link %q; links: %v", key, keys(got))
			return
		}
		if l.Kind != kind || l.Target.Kind != target || l.Port != port || l.Pos.Line == 0 {
			t.Errorf("%s: kind %s target %d port %d line %d, want %s %d %d", key, l.Kind, l.Target.Kind, l.Port, l.Pos.Line, kind, target, port)
		}
	}
	check("cp-1 database.apim_db.url db.example.com", LinkDatabase, TargetUnknown, 3306)
	check("cp-1 database.shared_db.hostname shared.example.com", LinkDatabase, TargetUnknown, 3307)
	check("cp-1 database.ora_db.url ora.example.com", LinkDatabase, TargetUnknown, 1521)
	check("cp-1 apim.event_hub.event_listening_endpoints localhost", LinkEventHubJMS, TargetSelf, 5672)
	check("gw-1 apim.event_hub.event_listening_endpoints cp-1", LinkEventHubJMS, TargetNode, 5672)
	check("gw-1 apim.event_hub.event_listening_endpoints cp-9", LinkEventHubJMS, TargetUnknown, 5672)
	check("gw-1 apim.key_manager.service_url cp-1", LinkKMService, TargetNode, 9443)
	if l := got["cp-1 apim.gateway.environment[0].service_url [gateway-host]"]; !l.Placeholder || l.Kind != LinkEnvironmentURL {
		t.Errorf("doc placeholder link %+v, want Placeholder", l)
	}
	for k := range got {
		if strings.Contains(k, "local_db") || strings.Contains(k, "${") || strings.Contains(k, "env.cp") {
			t.Errorf("link %q: local H2 and symbolic values make no link", k)
		}
	}
	if gw := f.Links(); gw[len(gw)-1].From.Name != "gw-1" {
		t.Error("links are not in node order")
	}
}

func keys(m map[string]Link) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestLinkKindsHaveLabels(t *testing.T) {
	for _, k := range EndpointKeys {
		if _, ok := linkKindOf[k.Path]; !ok {
			t.Errorf("endpoint key %s has no link kind", k.Path)
		}
	}
	seen := map[string]LinkKind{}
	for _, k := range LinkKinds {
		if prev, dup := seen[k.Label()]; dup || k.Label() == "" {
			t.Errorf("kind %s: label %q empty or shared with %s", k, k.Label(), prev)
		}
		seen[k.Label()] = k
	}
}

// TestLinksCoHosted: on a host several nodes share, a link reaches the
// node that listens on its port, not a made-up load balancer.
func TestLinksCoHosted(t *testing.T) {
	fl, err := Load([]string{"../testdata/style-cohosted"}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range fl.Links() {
		if l.From.Name != "b1-edge" || l.Key != "apim.throttling.throttle_decision_endpoints" {
			continue
		}
		found = true
		if n := l.Target.Node(); n == nil || n.Name != "a1-throttle" {
			t.Errorf("throttle decisions reach %+v, want the traffic manager a1-throttle", l.Target)
		}
	}
	if !found {
		t.Fatal("no throttle decision link from b1-edge")
	}
}

// A large fleet's links are found a run of nodes per CPU; they must be
// those of one pass over the nodes, in the same order.
func TestLinksInParallelAreLinksInOrder(t *testing.T) {
	f, err := LoadFS(fleetgen.MapFS(fleetgen.Wide(4*linksPerWorker+37)), ".", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	show := func(ls []Link) []string {
		out := make([]string, len(ls))
		for i, l := range ls {
			var to []string
			for _, n := range l.Target.Nodes {
				to = append(to, n.Name)
			}
			out[i] = fmt.Sprintf("%s %s %s %v %s:%d %d %v %v", l.Kind, l.From.Name, l.Key, l.Pos, l.Host, l.Port, l.Target.Kind, to, l.Cluster != nil)
		}
		return out
	}
	got, want := show(f.linksIn(4)), show(f.linksIn(1))
	if len(want) < 1000 {
		t.Fatalf("only %d links: the fleet is too small to test", len(want))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("links differ from one pass (-one pass +parallel):\n%s", d)
	}
}

package lint

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// NewFleet over nodes built one by one must equal what Load builds,
// also when the same nodes are assembled again (a watcher reuses them).
func TestNewFleetMatchesLoad(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"gw-2/deployment.toml": "[server]\nhostname = \"gw.example.com\"\nnode_ip = \"10.0.0.2\"\nserver_role = \"gateway-worker\"\n",
		"gw-1/deployment.toml": "[server]\nhostname = \"gw.example.com\"\nnode_ip = \"10.0.0.1\"\nserver_role = \"gateway-worker\"\n",
		"cp-1/deployment.toml": "[server]\nhostname = \"cp-1.example.com\"\nserver_role = \"control-plane\"\n",
	}
	cfg := &Config{Nodes: []NodeConfig{{Path: "cp-1", Addresses: []string{"cp.internal"}}}}
	var nodes []*Node
	for rel, src := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		n := NewNode(filepath.Dir(rel), p, []byte(src), cfg, ResolveOptions{})
		n.Rel = rel
		nodes = append(nodes, n)
	}
	want, err := Load([]string{dir}, LoadOptions{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		got := NewFleet(dir, nodes, cfg)
		if len(got.Nodes) != len(want.Nodes) {
			t.Fatalf("round %d: %d nodes, want %d", round, len(got.Nodes), len(want.Nodes))
		}
		for i, n := range got.Nodes {
			w := want.Nodes[i]
			if n.Name != w.Name || n.Role != w.Role || !reflect.DeepEqual(n.Addresses, w.Addresses) {
				t.Errorf("round %d node %d: %s %s %v, want %s %s %v", round, i, n.Name, n.Role, n.Addresses, w.Name, w.Role, w.Addresses)
			}
			if got.Node(n.Name) != n {
				t.Errorf("round %d: Node(%q) not indexed", round, n.Name)
			}
		}
		if !reflect.DeepEqual(got.Book.Clusters(), want.Book.Clusters()) || len(got.Book.Clusters()) != 1 {
			t.Errorf("round %d: clusters %+v, want %+v", round, got.Book.Clusters(), want.Book.Clusters())
		}
		if tg := got.Book.Resolve("10.0.0.1", got.Node("cp-1")); tg.Node() != got.Node("gw-1") {
			t.Errorf("round %d: 10.0.0.1 resolves to %+v", round, tg)
		}
		if tg := got.Book.Resolve("cp.internal", got.Node("gw-1")); tg.Node() != got.Node("cp-1") {
			t.Errorf("round %d: cp.internal resolves to %+v", round, tg)
		}
	}
	// gw-2 is edited and no longer shares the hostname: gw-1, reused as
	// it was, answers to it again as its own address.
	for i, n := range nodes {
		if n.Name == "gw-2" {
			src := "[server]\nhostname = \"gw-2.example.com\"\nserver_role = \"gateway-worker\"\n"
			nodes[i] = NewNode("gw-2", n.File, []byte(src), cfg, ResolveOptions{})
		}
	}
	f := NewFleet(dir, nodes, cfg)
	if tg := f.Book.Resolve("gw.example.com", f.Node("cp-1")); tg.Kind != TargetNode || tg.Node() != f.Node("gw-1") {
		t.Errorf("after the edit gw.example.com resolves to %+v, want node gw-1", tg)
	}
}

package lint_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apimlint/apimlint/lint"
)

// TestDiscoveryEvidence: the digest changes with what discovery reads (the
// role, the host name, a host an endpoint names, a shared database) and
// not with other keys, so a watcher re-discovers a tree only when an edit
// may change its split.
func TestDiscoveryEvidence(t *testing.T) {
	base := `[server]
hostname = "cp-1.example.com"
server_role = "control-plane"

[database.apim_db]
url = "jdbc:mysql://db.example.com:3306/apim"

[apim.event_hub]
event_duplicate_url = ["tcp://cp-2.example.com:5672"]
`
	evidence := func(src string) string {
		t.Helper()
		f, err := lint.LoadFS(fstest.MapFS{"cp-1/deployment.toml": {Data: []byte(src)}}, ".", lint.LoadOptions{})
		if err != nil || len(f.Nodes) != 1 {
			t.Fatalf("load: %v", err)
		}
		return lint.DiscoveryEvidence(f.Nodes[0])
	}
	same := evidence(base)
	if same == "" || lint.DiscoveryEvidence(nil) != "" {
		t.Fatalf("evidence %q; nil node %q", same, lint.DiscoveryEvidence(nil))
	}
	if got := evidence(base + "\n[apim.cors]\nenable = true\n"); got != same {
		t.Errorf("an unrelated key changed the evidence")
	}
	for name, edit := range map[string][2]string{
		"role":     {`"control-plane"`, `"gateway-worker"`},
		"hostname": {`"cp-1.example.com"`, `"cp-9.example.com"`},
		"peer":     {"cp-2.example.com:5672", "cp-3.example.com:5672"},
		"database": {"db.example.com:3306/apim", "db2.example.com:3306/apim"},
	} {
		src := base
		if i := strings.Index(src, edit[0]); i >= 0 {
			src = src[:i] + edit[1] + src[i+len(edit[0]):]
		} else {
			t.Fatalf("%s: %q not in the node", name, edit[0])
		}
		if evidence(src) == same {
			t.Errorf("%s changed, the evidence did not", name)
		}
	}
}

// TestAcceptedForFleet: a fleet of an estate is filtered by its own
// entries and by entries that name no fleet, never by another fleet's.
func TestAcceptedForFleet(t *testing.T) {
	a := &lint.AcceptedFile{Version: lint.AcceptedVersion, Findings: []lint.AcceptedEntry{
		{Fingerprint: "a", Fleet: "prod"},
		{Fingerprint: "b", Fleet: "staging"},
		{Fingerprint: "c"},
	}}
	got := map[string]bool{}
	for _, e := range a.ForFleet("prod").Findings {
		got[e.Fingerprint] = true
	}
	if len(got) != 2 || !got["a"] || !got["c"] {
		t.Errorf("prod's entries: %v, want a and c", got)
	}
	if n := len(a.ForFleet("dev").Findings); n != 1 {
		t.Errorf("dev has %d entries, want the one without a fleet", n)
	}
	f, err := lint.LoadFS(fstest.MapFS{"gw-1/deployment.toml": {Data: []byte("[server]\nhostname = \"gw\"\n")}}, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := &lint.AcceptedFile{Version: lint.AcceptedVersion}
	b.AddFleet("qa", f, []lint.Finding{{Rule: "r", Node: "gw-1", Key: "server.hostname"}})
	if len(b.Findings) != 1 || b.Findings[0].Fleet != "qa" || b.Findings[0].Fingerprint != lint.Fingerprint(f, lint.Finding{Rule: "r", Node: "gw-1", Key: "server.hostname"}) {
		t.Errorf("AddFleet: %+v", b.Findings)
	}
}

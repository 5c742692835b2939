package lint

import (
	"bytes"
	"strings"
	"testing"
)

func TestAcceptedFilter(t *testing.T) {
	fl, err := LoadFiles(".", map[string][]byte{
		"a/deployment.toml": []byte("[server]\nhostname = \"a\"\n[x]\nk = [1, 2]\n"),
	}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := func(rule, key string, line int) Finding {
		return Finding{Rule: rule, Severity: SeverityError, Node: "a", File: "a/deployment.toml", Line: line, Column: 1, Key: key}
	}
	// Two findings on one key (two array elements) are accepted one by one.
	old := []Finding{f("r1", "x.k", 4), f("r1", "x.k", 4), f("r2", "server.hostname", 2)}
	var buf bytes.Buffer
	if err := NewAcceptedFile(fl, old).Write(&buf); err != nil {
		t.Fatal(err)
	}
	af, err := ParseAcceptedFile(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	p := af.Filter(nil)
	// Lines moved, r2 fixed, a third r1 on x.k and a new rule appear.
	now := []Finding{f("r1", "x.k", 9), f("r1", "x.k", 9), f("r1", "x.k", 9), f("r3", "x.k", 9)}
	got, err := p.Process(fl, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Rule != "r1" || got[1].Rule != "r3" {
		t.Errorf("kept %+v, want one r1 and the r3", got)
	}
	if s := p.Stats(); s != (AcceptedStats{Accepted: 3, Hidden: 2, Stale: 1}) {
		t.Errorf("stats %+v", s)
	}
	if !strings.Contains(p.Stats().String(), "2 of 3 accepted findings") {
		t.Errorf("summary %q", p.Stats())
	}
	for _, bad := range []string{"", "{}", `{"version": 2, "findings": []}`, `{"version": 1, "findings": [{"rule": "r"}]}`} {
		if _, err := ParseAcceptedFile([]byte(bad)); err == nil {
			t.Errorf("ParseAcceptedFile(%q) accepted it", bad)
		}
	}
}

func TestAcceptedPath(t *testing.T) {
	c := &Config{File: "/fleet/.apimlint.toml", Lint: LintConfig{Accepted: "ci/accepted.json"}}
	if got := c.AcceptedPath(); got != "/fleet/ci/accepted.json" {
		t.Errorf("AcceptedPath = %s", got)
	}
	cfg, diags := ParseConfig("x/.apimlint.toml", []byte("[lint]\naccepted = \"a.json\"\n"))
	if len(diags) != 0 || cfg.AcceptedPath() != "x/a.json" {
		t.Errorf("[lint] accepted: %v, %s", diags, cfg.AcceptedPath())
	}
	if (*Config)(nil).AcceptedPath() != "" {
		t.Error("nil config names a file")
	}
}

// TestAcceptedFilterRan: entries of rules that do not run are neither
// hidden nor counted as fixed.
func TestAcceptedFilterRan(t *testing.T) {
	af := &AcceptedFile{Version: AcceptedVersion, Findings: []AcceptedEntry{
		{Fingerprint: "a", Rule: "ran"}, {Fingerprint: "b", Rule: "skipped"},
	}}
	p := af.Filter(func(id string) bool { return id == "ran" })
	if _, err := p.Process(nil, nil); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s != (AcceptedStats{Accepted: 1, Hidden: 0, Stale: 1}) {
		t.Errorf("stats %+v, want the skipped rule's entry left out", s)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGraphCommand(t *testing.T) {
	const fleet = "../../testdata/seed-ha"
	for format, want := range map[string]string{
		"dot":     "digraph ",
		"mermaid": "flowchart TB\n",
		"json":    `"version": 1`,
		"svg":     "<svg ",
	} {
		stdout, stderr, code := apimlint(t, "graph", "--format", format, fleet)
		if code != exitOK || !strings.Contains(stdout, want) || stderr != "" {
			t.Errorf("graph --format %s: exit %d, stderr %q, output starts %.80q; want exit 0 and %q", format, code, stderr, stdout, want)
		}
	}
	// svg is the default; -o writes a file.
	out := filepath.Join(t.TempDir(), "fleet.svg")
	if _, stderr, code := apimlint(t, "graph", fleet, "-o", out); code != exitOK {
		t.Fatalf("graph -o: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(data), "<svg ") || !strings.Contains(string(data), "apim-cp-2") {
		t.Errorf("graph -o wrote %.80q (%v), want the SVG", data, err)
	}
	// --group-at 2 summarises the two gateways of seed-ha; 0 never summarises.
	stdout, _, _ := apimlint(t, "graph", "--format", "json", "--group-at", "2", fleet)
	var g struct {
		Nodes []struct {
			Name    string   `json:"name"`
			Members []string `json:"members"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal([]byte(stdout), &g); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range g.Nodes {
		if n.Name == "gw-1 … gw-2" && len(n.Members) == 2 {
			found = true
		}
	}
	if !found {
		t.Errorf("--group-at 2 did not summarise gw-1 and gw-2: %s", stdout[:min(len(stdout), 400)])
	}
	for _, args := range [][]string{
		{"graph", "--format", "png", fleet},
		{"graph"},
		{"graph", "/nonexistent/fleet"},
		{"graph", t.TempDir()},
	} {
		if _, stderr, code := apimlint(t, args...); code != exitUsage || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 with a message", args, code, stderr)
		}
	}
}

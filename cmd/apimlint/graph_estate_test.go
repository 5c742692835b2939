package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// apimlint graph on a tree of fleets draws one cluster per fleet, in
// every format; the goldens are testdata/golden/estate-graph.*
// (go test ./cmd/apimlint -run TestGoldenGraphEstate -update rewrites them).
func TestGoldenGraphEstate(t *testing.T) {
	for format, ext := range map[string]string{"dot": "dot", "mermaid": "mmd", "json": "json", "svg": "svg"} {
		t.Run(format, func(t *testing.T) {
			out, stderr, code := apimlint(t, "graph", "--format", format, estateDir)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			out = strings.ReplaceAll(out, repoTestdata+"/", "")
			checkGolden(t, "estate-graph."+ext, out, "TestGoldenGraphEstate")
		})
	}
}

// --fleet draws only the named fleets; a name the estate lacks is exit 2.
func TestGraphEstateFleetFlag(t *testing.T) {
	out, stderr, code := apimlint(t, "graph", "--format", "mermaid", "--fleet", "prod", estateDir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `subgraph fleet_1["fleet prod"]`) || strings.Contains(out, "fleet staging") || strings.Contains(out, "fleet dev") {
		t.Errorf("--fleet prod drew:\n%.600s", out)
	}
	if _, stderr, code := apimlint(t, "graph", "--fleet", "nope", estateDir); code != exitUsage || !strings.Contains(stderr, "nope") {
		t.Errorf("--fleet nope: exit %d, stderr %q; want exit 2 naming it", code, stderr)
	}
	// A tree that is one fleet keeps the one-fleet picture.
	out, _, _ = apimlint(t, "graph", "--format", "mermaid", filepath.Join(repoTestdata, "estate-cohosted-ips"))
	if strings.Contains(out, "subgraph fleet_") {
		t.Errorf("one fleet drawn as an estate:\n%.300s", out)
	}
}

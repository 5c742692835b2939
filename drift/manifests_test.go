package drift

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

// TestDriftOnManifestFleet: a fleet loaded from rendered manifests
// (lint.LoadManifests) records and compares like a TOML fleet, node by
// node under the workloads' names.
func TestDriftOnManifestFleet(t *testing.T) {
	src, err := os.ReadFile("../testdata/k8s/clean/rendered.yaml")
	if err != nil {
		t.Fatal(err)
	}
	load := func(data string) *lint.Fleet {
		t.Helper()
		f, err := lint.LoadManifests(strings.NewReader(data), "rendered.yaml", lint.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	f := load(string(src))
	b, err := Record(f, RecordOptions{Key: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if b, err = Parse(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	b.UseKey(testKey(t))
	if len(b.Nodes) != 6 || b.Nodes[0].Name != "apim-prod/deployment/wso2-am-cp-1" {
		t.Fatalf("baseline of the manifests: %d nodes, first %q", len(b.Nodes), b.Nodes[0].Name)
	}
	if got := Compare(b, load(string(src)), Options{}); len(got) != 0 {
		t.Fatalf("unchanged manifests drifted: %v", got)
	}
	changed := strings.Replace(string(src), "    enable = true", "    enable = false", 1)
	got := Compare(b, load(changed), Options{})
	if len(got) != 1 || got[0].Node != "apim-prod/deployment/wso2-am-cp-1" || got[0].Key != "apim.event_hub.enable" ||
		!strings.Contains(got[0].Message, "was true, now false") {
		t.Fatalf("changed manifest: %v", got)
	}
}

package schema_test

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/schema"
)

// TestCorpus validates every real configuration of the shared corpus: no
// panic on any file, and no schema finding at all on the fleets, which are
// real deployments WSO2 published. Counts by rule are logged for the
// singles (shipped defaults, test overlays), whose findings a person reads.
func TestCorpus(t *testing.T) {
	dir := fleettest.CorpusDir(t)
	fleets, err := os.ReadDir(filepath.Join(dir, "fleets"))
	if err != nil {
		t.Fatal(err)
	}
	total := map[string]int{}
	nodes := 0
	for _, d := range fleets {
		f, err := lint.Load([]string{filepath.Join(dir, "fleets", d.Name())}, lint.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		nodes += len(f.Nodes)
		for _, x := range check(t, f) {
			total[x.Rule]++
			t.Errorf("fleet %s: %s:%d:%d: %s: %s (%s)", d.Name(), x.File, x.Line, x.Column, x.Severity, x.Message, x.Rule)
		}
	}
	singles, err := lint.Load([]string{filepath.Join(dir, "singles")}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	nodes += len(singles.Nodes)
	bySingle := map[string]int{}
	for _, x := range check(t, singles) {
		total[x.Rule]++
		bySingle[x.Rule]++
		t.Logf("single %s:%d: %s (%s)", strings.TrimPrefix(x.File, dir), x.Line, x.Message, x.Rule)
	}
	if nodes < 150 {
		t.Errorf("only %d corpus nodes validated", nodes)
	}
	var rules []string
	for r, c := range total {
		rules = append(rules, r+"="+strconv.Itoa(c))
	}
	sort.Strings(rules)
	t.Logf("%d corpus nodes; schema findings by rule: %v (singles: %v)", nodes, rules, bySingle)
}

func check(t *testing.T, f *lint.Fleet) (out []lint.Finding) {
	t.Helper()
	defer func() {
		if e := recover(); e != nil {
			t.Fatalf("schema validation panicked on %s: %v", f.Root, e)
		}
	}()
	return schema.Check(f)
}

package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// TestEstateEditLatency measures, on an estate of 10 fleets of 30 nodes
// (sibling folders env-0 … env-9 holding the same roles), the lint after
// an edit in one fleet that changes nothing discovery reads: only that
// fleet is read and linted again. Wall-clock numbers: only with
// APIMLINT_PERF=1.
func TestEstateEditLatency(t *testing.T) {
	if os.Getenv("APIMLINT_PERF") != "1" {
		t.Skip("latency measurement: set APIMLINT_PERF=1 on a quiet machine")
	}
	dir := t.TempDir()
	files := fleetgen.Generate(fleetgen.Sized(30))
	for i := 0; i < 10; i++ {
		for _, f := range files {
			fleettest.WriteFile(t, filepath.Join(dir, fmt.Sprintf("env-%d", i), filepath.FromSlash(f.Path)), nodeFile(f, "v0"))
		}
	}
	h := start(t, dir, Options{Debounce: 20 * time.Millisecond, Rules: append(rules.All(), valueRule)})
	st := h.state()
	if st.Fleets != 10 || st.Nodes != 300 {
		t.Fatalf("%d fleets, %d nodes; want 10 of 30", st.Fleets, st.Nodes)
	}
	t.Logf("initial lint of 10 fleets, 300 nodes: %v", st.Duration)
	var durs []time.Duration
	for i := 1; i <= 10; i++ {
		f := files[i*2]
		file := filepath.Join(dir, "env-3", filepath.FromSlash(f.Path))
		value := fmt.Sprintf("v%d", i)
		fleettest.WriteFile(t, file, nodeFile(f, value))
		evs := h.until(func(e Event) bool {
			return e.Kind == EventNew && e.Finding.Message == "value "+value && e.Finding.Fleet == "env-3"
		})
		last := evs[len(evs)-1].Stats
		if !slices.Equal(last.Relinted, []string{"env-3"}) || last.Discovered {
			t.Errorf("edit in env-3 re-linted %v, discovered the tree again: %v", last.Relinted, last.Discovered)
		}
		durs = append(durs, last.Duration)
	}
	slices.Sort(durs)
	t0 := time.Now()
	if _, err := lint.DiscoverEstate(dir, lint.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("discovering the tree (which such an edit does not need) takes about %v", time.Since(t0))
	t.Logf("edit in one fleet of 10: lint p50 %v, max %v (one fleet of 30 nodes read and linted)", durs[len(durs)/2], durs[len(durs)-1])
}

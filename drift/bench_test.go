package drift_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// BenchmarkFleet3000 compares `apimlint drift` (load the fleet, read the
// baseline, compare) with `apimlint lint` (load the fleet, run every rule)
// on the same 3,000-node fleet. The budget: drift under 2x lint.
func BenchmarkFleet3000(b *testing.B) {
	// fleetgen's realistic mix: HA control planes and traffic managers,
	// the rest gateways.
	dir := b.TempDir()
	if err := fleetgen.WriteDir(dir, fleetgen.Sized(3000)); err != nil {
		b.Fatal(err)
	}
	base := filepath.Join(b.TempDir(), "baseline.json")
	f, err := lint.Load([]string{dir}, lint.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	rec, err := drift.Record(f, drift.RecordOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if err := drift.WriteFile(base, rec); err != nil {
		b.Fatal(err)
	}
	b.Run("lint", func(b *testing.B) {
		for b.Loop() {
			f, err := lint.Load([]string{dir}, lint.LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("drift", func(b *testing.B) {
		for b.Loop() {
			f, err := lint.Load([]string{dir}, lint.LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			bl, err := drift.ReadFile(base)
			if err != nil {
				b.Fatal(err)
			}
			if got := drift.Compare(bl, f, drift.Options{}); len(got) != 0 {
				b.Fatalf("unchanged fleet drifted: %v", got[0])
			}
		}
	})
	b.Run("record", func(b *testing.B) {
		for b.Loop() {
			if _, err := drift.Record(f, drift.RecordOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

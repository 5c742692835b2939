package rules

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
)

// BenchmarkRules runs every registered rule alone through lint.Run on a
// generated 3,000-node fleet, the shape of a large real deployment, so a
// slow rule shows up by name. lint.Run's own fixed cost (sorting, secret
// scrubbing) is included: it is what a user pays per rule.
func BenchmarkRules(b *testing.B) {
	files := map[string][]byte{}
	for _, f := range fleetgen.Generate(fleetgen.Sized(3000)) {
		files[f.Path] = f.Data
	}
	load := func(b *testing.B) *lint.Fleet {
		f, err := lint.LoadFiles(".", files, lint.LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		return f
	}
	f := load(b)
	for _, r := range All() {
		// The schema rules share one validation, memoised per fleet: each
		// run gets a fresh fleet so that it pays for the validation.
		fresh := strings.HasPrefix(r.ID, "schema-")
		b.Run(r.ID, func(b *testing.B) {
			for b.Loop() {
				if fresh {
					b.StopTimer()
					f = load(b)
					runtime.GC() // the load's garbage is not the rule's
					b.StartTimer()
				}
				if _, err := lint.Run(context.Background(), f, []*lint.Rule{r}, lint.RunOptions{Parallelism: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

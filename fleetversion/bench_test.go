package fleetversion

import (
	"sync"
	"testing"

	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/internal/benchcpu"
	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
)

// resetMemos forgets every memo, as a new process starts.
func resetMemos() {
	setsMemo, inferMemo, readVectors, checkers = sync.Map{}, sync.Map{}, sync.Map{}, sync.Map{}
	nInferMemo.Store(0)
	nVectors.Store(0)
	nCheckers.Store(0)
}

func benchFleet(b *testing.B, s fleetgen.Spec) *lint.Fleet {
	b.Helper()
	f, err := lint.LoadFS(fleetgen.MapFS(s), ".", lint.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if err := catalog.Err(); err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkAllCold is the versions of a 3,000-node fleet as one lint
// run computes them: memos empty, the catalogue loaded (BenchmarkLoad in
// package catalog measures that). Catalogue sets keep their own lookup
// memos across iterations.
func BenchmarkAllCold(b *testing.B) {
	for _, c := range []struct {
		name string
		spec fleetgen.Spec
	}{{"sized3000", fleetgen.Sized(3000)}, {"wide3000", fleetgen.Wide(3000)}} {
		b.Run(c.name, func(b *testing.B) {
			f := benchFleet(b, c.spec)
			start := benchcpu.Now()
			for b.Loop() {
				resetMemos()
				if len(All(f)) != len(f.Nodes) {
					b.Fatal("a node without a version")
				}
			}
			benchcpu.Report(b, start)
		})
	}
}

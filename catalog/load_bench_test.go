package catalog

import (
	"sync"
	"testing"

	"github.com/apimlint/apimlint/internal/benchcpu"
)

// resetForLoad forgets the loaded catalogue, so that the next call loads
// it again.
func resetForLoad() {
	loadOnce = sync.Once{}
	sets, bySet, versions, dists, allKeys, loadErr = nil, nil, nil, nil, nil, nil
}

// BenchmarkLoad measures reading the embedded catalogue, which every
// process that lints pays once.
func BenchmarkLoad(b *testing.B) {
	defer benchcpu.Report(b, benchcpu.Now())
	for b.Loop() {
		resetForLoad()
		load()
		if loadErr != nil {
			b.Fatal(loadErr)
		}
	}
}

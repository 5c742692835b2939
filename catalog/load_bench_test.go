package catalog

import (
	"sync"
	"testing"
)

// BenchmarkLoad measures reading the embedded catalogue, which every
// process that lints pays once.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		loadOnce = sync.Once{}
		sets, bySet, versions, dists, loadErr = nil, nil, nil, nil, nil
		load()
		if loadErr != nil {
			b.Fatal(loadErr)
		}
	}
}

package lint

import (
	"fmt"
	"testing"

	"github.com/apimlint/apimlint/internal/fleetgen"
)

func TestKeyIndexFindsEveryKeyAndNothingElse(t *testing.T) {
	for _, n := range []int{0, 1, 7, 70, 1000} {
		keys := make([]*Key, n)
		for i := range keys {
			keys[i] = &Key{Path: fmt.Sprintf("t%d.k%d", i%13, i)}
		}
		x := newKeyIndex(keys)
		for i, k := range keys {
			if got := x.find(keys, k.Path); got != i {
				t.Fatalf("%d keys: find(%q) = %d, want %d", n, k.Path, got, i)
			}
		}
		for _, p := range []string{"", "t0", "t0.k", fmt.Sprintf("t0.k%d", n)} {
			if got := x.find(keys, p); got != -1 {
				t.Errorf("%d keys: find(%q) = %d, want -1", n, p, got)
			}
		}
		if n > 0 {
			if got := x.find(keys[:0], keys[0].Path); got != -1 {
				t.Errorf("%d keys: find on emptied keys = %d, want -1", n, got)
			}
		}
	}
}

func TestKeyIndexBeyondSmallSlots(t *testing.T) {
	keys := make([]*Key, maxSmallIndex+10)
	for i := range keys {
		keys[i] = &Key{Path: fmt.Sprintf("k%d", i)}
	}
	x := newKeyIndex(keys)
	if x.big == nil {
		t.Fatal("index of more keys than uint16 slots number did not fall back to a map")
	}
	for _, i := range []int{0, maxSmallIndex, len(keys) - 1} {
		if got := x.find(keys, keys[i].Path); got != i {
			t.Errorf("find(%q) = %d, want %d", keys[i].Path, got, i)
		}
	}
}

// BenchmarkNodeGet looks up every key of generated gateway files, and as
// many paths that are absent, the way rules ask; "map" is the
// map[string]*Key the index replaced, measured in the same run.
func BenchmarkNodeGet(b *testing.B) {
	var nodes []*Node
	for _, f := range fleetgen.Generate(fleetgen.Sized(40)) {
		nodes = append(nodes, NewNode(f.Path, f.Path, f.Data, nil, ResolveOptions{}))
	}
	var paths []string
	for _, n := range nodes[:8] {
		for _, k := range n.Keys {
			paths = append(paths, k.Path, k.Path+".absent")
		}
	}
	b.Run("index", func(b *testing.B) {
		for range b.N {
			for _, n := range nodes {
				for _, p := range paths {
					_ = n.Get(p)
				}
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		maps := make([]map[string]*Key, len(nodes))
		for i, n := range nodes {
			maps[i] = make(map[string]*Key, len(n.Keys))
			for _, k := range n.Keys {
				maps[i][k.Path] = k
			}
		}
		b.ResetTimer()
		for range b.N {
			for _, m := range maps {
				for _, p := range paths {
					_ = m[p]
				}
			}
		}
	})
}

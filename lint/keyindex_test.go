package lint

import (
	"fmt"
	"testing"
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

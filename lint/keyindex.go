package lint

import "hash/maphash"

// keyIndex finds a node's key by canonical path. A map[string]*Key costs
// about 3 KB per node of 70 keys (a swiss-table group per eight entries,
// each a string header and a pointer), more than the node's file; this
// open-addressed table holds one uint16 per slot (256 bytes for 70 keys)
// and hashes the path with the runtime's string hash, as a map does.
// A sorted slice with binary search was tried and cost 15% more
// instructions: rules call Get often.
type keyIndex struct {
	slots []uint16 // key position + 1; 0 is empty
	big   map[string]int
}

var keyIndexSeed = maphash.MakeSeed()

// maxSmallIndex is the most keys the uint16 slots can number.
const maxSmallIndex = 1<<16 - 2

func newKeyIndex(keys []*Key) keyIndex {
	if len(keys) > maxSmallIndex {
		big := make(map[string]int, len(keys))
		for i, k := range keys {
			big[k.Path] = i
		}
		return keyIndex{big: big}
	}
	size := 8
	for size < len(keys)+len(keys)/2 {
		size <<= 1
	}
	slots := make([]uint16, size)
	mask := uint64(size - 1)
	for i, k := range keys {
		h := maphash.String(keyIndexSeed, k.Path) & mask
		for slots[h] != 0 {
			h = (h + 1) & mask
		}
		slots[h] = uint16(i + 1)
	}
	return keyIndex{slots: slots}
}

// find returns the position in keys of the key at path, or -1.
func (x keyIndex) find(keys []*Key, path string) int {
	if x.big != nil {
		if i, ok := x.big[path]; ok {
			return i
		}
		return -1
	}
	if len(x.slots) == 0 {
		return -1
	}
	mask := uint64(len(x.slots) - 1)
	for h := maphash.String(keyIndexSeed, path) & mask; ; h = (h + 1) & mask {
		s := x.slots[h]
		if s == 0 {
			return -1
		}
		// The bound check keeps a library user who shortened Node.Keys
		// after loading from a panic.
		if int(s-1) < len(keys) && keys[s-1].Path == path {
			return int(s - 1)
		}
	}
}

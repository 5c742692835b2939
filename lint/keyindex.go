package lint

import "hash/maphash"

// keyIndex finds a node's key by canonical path. A map[string]*Key costs
// about 3 KB per node of 70 keys (a swiss-table group per eight entries,
// each a string header and a pointer), more than the node's file; this
// open-addressed table holds one uint32 per slot (512 bytes for 70 keys)
// and hashes the path with the runtime's string hash, as a map does. Each
// slot keeps 16 bits of its key's hash beside the key's position, so a
// probe that meets another key rarely has to read that key's path.
// A lookup reads the key to compare its path, where a map compares the
// string header it holds: BenchmarkNodeGet puts the index at 1.1–1.3× the
// map's time per Get (Get is about 6% of a lint's CPU). A sorted slice with
// binary search cost 15% more instructions in the whole lint.
type keyIndex struct {
	slots []uint32 // hash tag << 16 | key position + 1; 0 is empty
	big   map[string]int
}

var keyIndexSeed = maphash.MakeSeed()

// maxSmallIndex is the most keys the slots' 16 bits of position number.
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
	slots := make([]uint32, size)
	mask := uint64(size - 1)
	for i, k := range keys {
		hash := maphash.String(keyIndexSeed, k.Path)
		h := hash & mask
		for slots[h] != 0 {
			h = (h + 1) & mask
		}
		slots[h] = tagOf(hash) | uint32(i+1)
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
	hash := maphash.String(keyIndexSeed, path)
	tag := tagOf(hash)
	for h := hash & mask; ; h = (h + 1) & mask {
		s := x.slots[h]
		if s == 0 {
			return -1
		}
		if s&0xffff0000 != tag {
			continue
		}
		// The bound check keeps a library user who shortened Node.Keys
		// after loading from a panic.
		if i := int(s&0xffff) - 1; i < len(keys) && keys[i].Path == path {
			return i
		}
	}
}

// tagOf is the part of a hash a slot keeps: the top 16 bits, which the
// mask of a table below 65,536 slots never uses to place the key.
func tagOf(hash uint64) uint32 { return uint32(hash>>48) << 16 }

package lint

import (
	"slices"
	"strings"
)

// secretSet finds which of a fleet's plain secret values a text contains
// in one pass over the text. Checking every secret against every message
// is O(secrets × findings), and both grow with the nodes: cipher-tool
// output differs on every node, so 4,000 nodes made the scrub quadratic
// (52 s for one rule's findings). Secrets are indexed by their first
// three bytes; every secret is at least three bytes long (nodeSecrets).
//
// A filter of one bit per hashed three-byte start sits in front of the
// index: most places in a message start no secret, and the bit answers
// that without a map lookup (the scrub was a seventh of a lint whose
// fleet gave 8,000 findings).
type secretSet struct {
	list   []string // in the fleet's order, which fixes the scrub's output
	start  map[uint32][]int
	filter []uint64
	shift  uint32 // the filter has 1<<(32-shift) bits
}

func trigram(s string, i int) uint32 {
	return uint32(s[i])<<16 | uint32(s[i+1])<<8 | uint32(s[i+2])
}

func newSecretSet(list []string) *secretSet {
	s := &secretSet{list: list, start: make(map[uint32][]int, len(list))}
	for i, sec := range list {
		if len(sec) < 3 {
			continue
		}
		k := trigram(sec, 0)
		s.start[k] = append(s.start[k], i)
	}
	// About 64 bits per distinct start: a place that starts no secret
	// finds its bit clear 63 times in 64.
	bits, shift := 64, uint32(26)
	for bits < 64*len(s.start) && shift > 6 {
		bits, shift = bits<<1, shift-1
	}
	s.filter, s.shift = make([]uint64, bits/64), shift
	for k := range s.start {
		h := s.filterBit(k)
		s.filter[h/64] |= 1 << (h % 64)
	}
	return s
}

// filterBit hashes a start multiplicatively (Fibonacci hashing) and keeps
// the product's top bits, the well-mixed ones.
func (s *secretSet) filterBit(k uint32) uint32 { return k * 0x9E3779B1 >> s.shift }

// in returns the secrets that text contains, in list order.
func (s *secretSet) in(text string) []string {
	if len(s.start) == 0 || len(text) < 3 {
		return nil
	}
	var found []int
	for i := 0; i+3 <= len(text); i++ {
		k := trigram(text, i)
		if h := s.filterBit(k); s.filter[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, j := range s.start[k] {
			if strings.HasPrefix(text[i:], s.list[j]) && !slices.Contains(found, j) {
				found = append(found, j)
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	slices.Sort(found)
	out := make([]string, len(found))
	for i, j := range found {
		out[i] = s.list[j]
	}
	return out
}

// scrub is the package's scrub with only the secrets text contains.
func (s *secretSet) scrub(text string) string {
	if found := s.in(text); found != nil {
		return scrub(text, found)
	}
	return text
}

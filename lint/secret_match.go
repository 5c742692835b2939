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
type secretSet struct {
	list  []string // in the fleet's order, which fixes the scrub's output
	start map[[3]byte][]int
}

func newSecretSet(list []string) *secretSet {
	s := &secretSet{list: list, start: make(map[[3]byte][]int, len(list))}
	for i, sec := range list {
		if len(sec) < 3 {
			continue
		}
		k := [3]byte{sec[0], sec[1], sec[2]}
		s.start[k] = append(s.start[k], i)
	}
	return s
}

// in returns the secrets that text contains, in list order.
func (s *secretSet) in(text string) []string {
	if len(s.start) == 0 || len(text) < 3 {
		return nil
	}
	var found []int
	for i := 0; i+3 <= len(text); i++ {
		for _, j := range s.start[[3]byte{text[i], text[i+1], text[i+2]}] {
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

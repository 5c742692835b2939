package lint

import "slices"

// PrelintsLeft is how many folders discovery linted that LintEstate has
// not taken (yet).
func PrelintsLeft(e *Estate) int {
	return len(PrelintRoots(e))
}

// PrelintRoots are the roots of those folders, sorted.
func PrelintRoots(e *Estate) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for root := range e.prelints {
		out = append(out, root)
	}
	slices.Sort(out)
	return out
}

package lint

// PrelintsLeft is how many folders discovery linted that LintEstate has
// not taken (yet).
func PrelintsLeft(e *Estate) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.prelints)
}

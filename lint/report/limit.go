package report

import (
	"cmp"
	"slices"

	"github.com/apimlint/apimlint/lint"
)

// limitFindings keeps at most n findings (all when n <= 0), choosing the
// most severe, and returns them in their original order with the number
// dropped. CI systems cap what they accept (GitHub code scanning takes
// 25,000 results per run) and show the first ones: errors must survive.
func limitFindings(fs []lint.Finding, n int) ([]lint.Finding, int) {
	keep, dropped := limitIndexes(fs, n)
	out := make([]lint.Finding, 0, len(keep))
	for _, i := range keep {
		out = append(out, fs[i])
	}
	return out, dropped
}

// limitIndexes is limitFindings returning the indexes kept, in order.
func limitIndexes(fs []lint.Finding, n int) ([]int, int) {
	idx := make([]int, len(fs))
	for i := range idx {
		idx[i] = i
	}
	if n <= 0 || len(fs) <= n {
		return idx, 0
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(fs[b].Severity, fs[a].Severity) })
	keep := idx[:n]
	slices.Sort(keep)
	return keep, len(fs) - n
}

// bySeverity returns the findings most severe first, in their original
// order within a severity.
func bySeverity(fs []lint.Finding) []lint.Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b lint.Finding) int { return cmp.Compare(b.Severity, a.Severity) })
	return out
}

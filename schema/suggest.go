package schema

import (
	"fmt"

	"github.com/apimlint/apimlint/lint"
)

// suggest returns the known name closest to name when it is close enough to
// be a typo: within a third of the name's length, and at most 3 edits.
func suggest(name string, known []string) string {
	best, bestD := "", 1<<30
	limit := min(3, max(1, len(name)/3))
	for _, k := range known {
		if abs(len(k)-len(name)) > limit {
			continue
		}
		d := editDistance(name, k)
		if d <= limit && d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// suggestOne returns the only known name within two edits of name, or ""
// when there is none or more than one: a machine may rename a key only
// when the typo has exactly one reading.
func suggestOne(name string, known []string) string {
	found := ""
	for _, k := range known {
		if abs(len(k)-len(name)) <= 2 && editDistance(name, k) <= 2 {
			if found != "" {
				return ""
			}
			found = k
		}
	}
	return found
}

// renameFix is the fix of a misspelt leaf key: its one reading.
func renameFix(n *lint.Node, k *lint.Key, name string, known []string) []lint.SuggestedFix {
	to := suggestOne(name, known)
	if to == "" || to == name {
		return nil
	}
	e, ok := lint.RenameKey(n, k, to)
	if !ok {
		return nil
	}
	return []lint.SuggestedFix{{Message: fmt.Sprintf("rename %s to %s", name, to), Edits: []lint.TextEdit{e}}}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistance is the Levenshtein distance between a and b, with a
// transposition of two adjacent bytes counted as one edit.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

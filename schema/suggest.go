package schema

import (
	"fmt"

	"github.com/apimlint/apimlint/internal/editdist"
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
		d := editdist.Distance(name, k)
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
		if abs(len(k)-len(name)) <= 2 && editdist.Distance(name, k) <= 2 {
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

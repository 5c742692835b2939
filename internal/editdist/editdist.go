// Package editdist measures how far apart two short names are, for the
// did-you-mean suggestions of misspelt keys and commands and for telling a
// misspelt secret key name from an ordinary one.
package editdist

// Distance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and swaps of two neighbours
// (lnit -> lint) each count one.
func Distance(a, b string) int { return Bounded(a, b, len(a)+len(b)) }

// Bounded is Distance, or limit+1 as soon as the distance is known to
// exceed limit, so that comparing a name with many candidates stays cheap.
func Bounded(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit+1)
}

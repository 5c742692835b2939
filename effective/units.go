package effective

import (
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// SameText reports whether WSO2 reads two texts of a key as the same
// value: equal text, equal numbers (2 and "2.0": the templates print
// what the Java side parses as a number), or, for a key that
// unit-resolve.json converts (unit "time:s", see catalog.Key.Unit), equal
// durations ("2m" and 120 seconds), as config-mapper's UnitResolver
// converts both a written value and a default before rendering.
func SameText(a, b, unit string) bool {
	if a == b {
		return true
	}
	if strings.HasPrefix(unit, "time:") {
		base, ok := unitMillis[strings.TrimPrefix(unit, "time:")]
		if ok {
			da, okA := durationMillis(a, base)
			db, okB := durationMillis(b, base)
			return okA && okB && da == db
		}
	}
	fa, errA := strconv.ParseFloat(strings.TrimSpace(a), 64)
	fb, errB := strconv.ParseFloat(strings.TrimSpace(b), 64)
	return errA == nil && errB == nil && fa == fb
}

// unitMillis are the time units WSO2's UnitResolver and apimlint's
// #Duration type know, in milliseconds.
var unitMillis = map[string]float64{
	"ms": 1, "s": 1000, "sec": 1000, "m": 60_000, "min": 60_000, "h": 3_600_000, "d": 86_400_000,
}

// durationMillis reads "500ms", "15 m", "2h" or a bare number (in the
// key's unit, base milliseconds) as milliseconds.
func durationMillis(s string, base float64) (float64, bool) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	n, err := strconv.ParseFloat(s[:i], 64)
	if i == 0 || err != nil {
		return 0, false
	}
	suffix := strings.TrimSpace(s[i:])
	if suffix == "" {
		return n * base, true
	}
	m, ok := unitMillis[suffix]
	if !ok {
		return 0, false
	}
	return n * m, true
}

// Unit is the unit unit-resolve.json gives a key in the node's version
// ("time:s"), or "".
func (r *Resolver) Unit(n *lint.Node, key string) string {
	for _, s := range r.node(n).sets {
		for _, k := range s.Lookup(key).Keys {
			if k.Unit != "" {
				return k.Unit
			}
		}
	}
	return ""
}

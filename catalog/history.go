package catalog

import (
	"sort"
	"strings"
	"sync"
)

// Rename is a table WSO2 moved between two versions: every key the
// templates read under From before Since, they read under To from Since.
type Rename struct {
	From, To string
	Since    string // the first version that reads To
	Keys     int    // how many keys moved (the evidence)
}

var (
	renamesOnce sync.Once
	renames     []Rename
)

// versionSets is the union of a version's distributions, for comparing
// versions: a key is in a version when any of its packs reads it.
type versionSets []*Set

func setsOf(version string) versionSets {
	var out versionSets
	for _, d := range Dists(version) {
		out = append(out, Get(version, d))
	}
	return out
}

func (vs versionSets) known(path string) bool {
	for _, s := range vs {
		if s.Lookup(path).Known {
			return true
		}
	}
	return false
}

func (vs versionSets) paths() map[string]bool {
	m := map[string]bool{}
	for _, s := range vs {
		for _, k := range s.keys() {
			m[k.Path] = true
		}
	}
	return m
}

// Renames lists the tables WSO2 renamed between consecutive versions,
// found in the catalogue itself: keys no longer read under one table and
// newly read, with the same table name and key, under another, at least
// twice for the same pair of tables.
func Renames() []Rename {
	renamesOnce.Do(func() {
		vs := Versions()
		for i := 1; i < len(vs); i++ {
			prev, cur := setsOf(vs[i-1]), setsOf(vs[i])
			prevPaths, curPaths := prev.paths(), cur.paths()
			var removed, added []string
			for p := range prevPaths {
				if !strings.Contains(p, "*") && !cur.known(p) {
					removed = append(removed, p)
				}
			}
			for p := range curPaths {
				if !strings.Contains(p, "*") && !prev.known(p) {
					added = append(added, p)
				}
			}
			count := map[[2]string]int{}
			for _, r := range removed {
				rs := Segments(r)
				for _, a := range added {
					as := Segments(a)
					if len(rs) < 3 || len(as) < 3 || rs[len(rs)-1] != as[len(as)-1] || rs[len(rs)-2] != as[len(as)-2] {
						continue
					}
					from := strings.Join(rs[:len(rs)-1], ".")
					to := strings.Join(as[:len(as)-1], ".")
					if strings.HasSuffix(to, "."+from) {
						continue // nested under a new parent, the old one still read elsewhere
					}
					count[[2]string{from, to}]++
				}
			}
			for pair, n := range count {
				if n >= 2 {
					renames = append(renames, Rename{From: pair[0], To: pair[1], Since: vs[i], Keys: n})
				}
			}
		}
		sort.Slice(renames, func(i, j int) bool { return renames[i].From < renames[j].From })
	})
	return renames
}

// RenamedKey reports the rename that applies to a key path on a version:
// the key lies under a renamed table, the version is at or after the
// rename, and the version does not read the key as written.
func RenamedKey(version, path string) (Rename, string, bool) {
	segs := Segments(path)
	joined := strings.Join(segs, ".")
	for _, r := range Renames() {
		if CompareVersions(version, r.Since) < 0 {
			continue
		}
		if joined != r.From && !strings.HasPrefix(joined, r.From+".") {
			continue
		}
		if setsOf(version).known(path) {
			continue
		}
		return r, r.To + strings.TrimPrefix(joined, r.From), true
	}
	return Rename{}, "", false
}

// LastReadIn returns the latest version before version whose templates
// (any distribution) read a key path that version's set does not: the key
// was removed after it. ok is false when the set knows the key, or no
// earlier version does.
func LastReadIn(version, dist, path string) (string, bool) {
	s := Get(version, dist)
	if s == nil || s.Lookup(path).Known {
		return "", false
	}
	vs := Versions()
	for i := len(vs) - 1; i >= 0; i-- {
		if CompareVersions(vs[i], version) >= 0 {
			continue
		}
		if setsOf(vs[i]).known(path) {
			return vs[i], true
		}
	}
	return "", false
}

// CompareVersions compares dotted versions numerically.
func CompareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x = atoi(as[i])
		}
		if i < len(bs) {
			y = atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// Entry is what one set says about a key path.
type Entry struct {
	Set   *Set
	Match Match
}

// Across looks a key path up in every set of every version, oldest first;
// dist "" means every distribution, else that distribution (versions
// before 4.5.0 have only "all").
func Across(dist, path string) []Entry {
	load()
	var out []Entry
	for _, s := range sets {
		if dist != "" && s.Dist != dist && s.Dist != DistAll {
			continue
		}
		out = append(out, Entry{Set: s, Match: s.Lookup(path)})
	}
	return out
}

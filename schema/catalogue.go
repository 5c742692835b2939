package schema

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// CatalogueFindings closes the schema over WSO2's own key catalogue: a key
// that no template of the node's version and distribution reads is
// schema-unknown-key, with a did-you-mean from the catalogue. WSO2 drops
// such a key silently. Tables the catalogue cannot close for the version
// (identity tables whose templates the metadata lacks) are not judged, nor
// are keys the hand-written schema already reported (already), and keys
// that key-renamed or key-removed explain better.
func CatalogueFindings(n *lint.Node, v fleetversion.Version, already []lint.Finding) []lint.Finding {
	if definitions[n.Role] == "" {
		return nil
	}
	sets := v.CheckSets()
	if len(sets) == 0 {
		return nil
	}
	var reported map[string]bool // built on the first unread key: most nodes have none
	var out []lint.Finding
	for _, k := range n.Keys {
		if k.Value != nil && k.Value.Kind == lint.KindTable {
			continue
		}
		if !fleetversion.Unread(sets, k.Path) {
			continue
		}
		if reported == nil {
			reported = map[string]bool{}
			for _, f := range already {
				if f.Rule == RuleUnknownKey && f.Key != "" {
					reported[f.Key] = true
				}
			}
		}
		if coveredBy(reported, k.Path) {
			continue
		}
		if explainedElsewhere(v, k.Path) {
			continue
		}
		segs := splitPath(k.Path)
		depth := 0
		for _, s := range sets {
			depth = max(depth, s.Lookup(k.Path).Depth)
		}
		depth = min(depth, len(segs)-1)
		prefix := k.Path[:segs[depth].NameEnd]
		if coveredBy(reported, prefix) {
			continue
		}
		reported[prefix] = true
		out = append(out, unreadFinding(n, k, v, sets, segs, depth, prefix))
	}
	return out
}

// coveredBy reports a path at or below one already reported.
func coveredBy(reported map[string]bool, p string) bool {
	for q := range reported {
		if p == q || strings.HasPrefix(p, q+".") || strings.HasPrefix(p, q+"[") {
			return true
		}
	}
	return false
}

// explainedElsewhere: key-renamed and key-removed report keys of earlier
// versions with what became of them; one finding per key is enough.
func explainedElsewhere(v fleetversion.Version, path string) bool {
	if v.Source == fleetversion.SourceInferred || !v.Sure() {
		return false // those rules need a declared or certain version
	}
	if _, _, ok := catalog.RenamedKey(v.Candidates[0], path); ok {
		return true
	}
	for _, d := range v.Dists {
		if _, ok := catalog.LastReadIn(v.Candidates[0], d, path); ok {
			return true
		}
	}
	return false
}

func unreadFinding(n *lint.Node, k *lint.Key, v fleetversion.Version, sets []*catalog.Set, segs []seg, depth int, prefix string) lint.Finding {
	name := segs[depth].Name
	parent := ""
	if depth > 0 {
		parent = k.Path[:segs[depth-1].End]
	}
	what := "key " + name
	if depth < len(segs)-1 {
		what = "table " + normalize(prefix)
	}
	where := "at the top level"
	if parent != "" {
		where = "in [" + normalize(parent) + "]"
	}
	known := map[string]bool{}
	for _, s := range sets {
		for _, c := range s.Children(normalize(parent)) {
			if c != "*" {
				known[c] = true
			}
		}
	}
	names := make([]string, 0, len(known))
	for c := range known {
		names = append(names, c)
	}
	sort.Strings(names)
	msg := fmt.Sprintf("unknown %s %s: no template of WSO2 API Manager %s reads it, so WSO2 drops it", what, where, describeSets(v))
	if sug := suggest(name, names); sug != "" {
		msg += fmt.Sprintf("; did you mean %s?", sug)
	}
	pos := k.Pos()
	if depth < len(segs)-1 {
		// An unknown table: point at the header the key is written under,
		// when that header lies at or below the unknown part.
		var best *lint.Table
		for _, t := range n.Tables {
			under := t.Path == prefix || strings.HasPrefix(t.Path, prefix+".") || strings.HasPrefix(t.Path, prefix+"[")
			if under && strings.HasPrefix(k.Path, t.Path+".") && (best == nil || len(t.Path) > len(best.Path)) {
				best = t
			}
		}
		if best != nil {
			pos = best.Pos()
		}
	}
	f := lint.At(n, pos, prefix, "%s", msg)
	f.Rule, f.Severity = RuleUnknownKey, lint.SeverityWarning
	if depth == len(segs)-1 {
		f.Fixes = renameFix(n, k, name, names)
	}
	return f
}

// describeSets names what the key was checked against.
func describeSets(v fleetversion.Version) string {
	dist := ""
	if len(v.Dists) > 0 {
		dist = v.Dists[0]
	}
	if v.Source == fleetversion.SourceInferred {
		vs := catalog.Versions()
		return fmt.Sprintf("any version %s–%s (the node's version is not declared) for a %s node", vs[0], vs[len(vs)-1], dist)
	}
	if v.Sure() && catalog.CompareVersions(v.Candidates[0], "4.5.0") < 0 {
		return v.String()
	}
	return fmt.Sprintf("%s (%s distribution)", v.String(), dist)
}

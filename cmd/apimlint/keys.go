package main

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"text/tabwriter"

	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/schema"
)

func init() {
	addCommand(&command{name: "keys", usage: "[--version V] [--role R] [--format text|json] [PATTERN]",
		summary: "list the deployment.toml keys WSO2's templates read: default, type, template", run: runKeys})
}

// keyJSON is one key in `apimlint keys --format json`.
type keyJSON struct {
	Key     string   `json:"key"`
	Default any      `json:"default,omitempty"`
	Type    string   `json:"type,omitempty"`
	Unit    string   `json:"unit,omitempty"`
	MapsTo  []string `json:"mapsTo,omitempty"`
	ReadBy  []string `json:"readBy"` // template:line
	Sources []string `json:"sources"`
}

func runKeys(env *cliEnv, args []string) int {
	fs := newFlagSet(env, "keys", "[--version V] [--role R] [--format text|json] [PATTERN]")
	vs := catalog.Versions()
	version := fs.String("version", vs[len(vs)-1], "API Manager version ("+strings.Join(vs, ", ")+")")
	roleFlag := fs.String("role", "all-in-one", "node role, which picks the distribution from 4.5.0 (control-plane, gateway, traffic-manager, key-manager, all-in-one)")
	format := fs.String("format", "text", "text or json")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) > 1 {
		return usageError(env, "keys takes at most one PATTERN (a glob such as 'apim.event_hub.*', or a substring)")
	}
	role, ok := lint.ParseRole(*roleFlag)
	dist := catalog.DistForRole(string(role))
	if !ok || dist == "" {
		return usageError(env, "--role: %q runs no API Manager distribution (want control-plane, gateway, traffic-manager, key-manager or all-in-one)", *roleFlag)
	}
	set := catalog.Get(fleetversion.Normalize(*version), dist)
	if set == nil {
		return usageError(env, "--version: the catalogue has no version %q (it knows %s)", *version, strings.Join(vs, ", "))
	}
	pattern := ""
	if len(pos) == 1 {
		pattern = pos[0]
	}
	sch, _ := schema.Builtin()
	var out []keyJSON
	for _, k := range set.Keys() {
		if !matchKey(pattern, k.Path) {
			continue
		}
		j := keyJSON{Key: k.Path, Unit: k.Unit, MapsTo: k.MapsTo, Sources: k.Sources(), ReadBy: []string{}}
		if d, ok := k.Default(); ok {
			j.Default = d
		}
		if sch != nil {
			j.Type = sch.TypeOf(role, k.Path)
		}
		for _, r := range k.Reads {
			j.ReadBy = append(j.ReadBy, fmt.Sprintf("%s:%d", r.Template, r.Line))
		}
		out = append(out, j)
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if out == nil {
			out = []keyJSON{}
		}
		if err := enc.Encode(out); err != nil {
			return usageError(env, "%v", err)
		}
	case "text":
		fmt.Fprintf(env.stdout, "# WSO2 API Manager %s, %s distribution: %d keys", set.Version, set.Dist, len(out))
		if pattern != "" {
			fmt.Fprintf(env.stdout, " matching %q", pattern)
		}
		fmt.Fprintln(env.stdout)
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY\tDEFAULT\tTYPE\tREAD BY")
		for _, j := range out {
			def := "-"
			if j.Default != nil {
				b, _ := json.Marshal(j.Default)
				def = string(b)
			}
			typ := j.Type
			if typ == "" {
				typ = "-"
			}
			var by string
			if len(j.ReadBy) > 0 {
				by = j.ReadBy[0]
				if len(j.ReadBy) > 1 {
					by += fmt.Sprintf(" (+%d)", len(j.ReadBy)-1)
				}
			} else {
				by = "(" + strings.Join(j.Sources, ", ") + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", j.Key, def, typ, by)
		}
		if err := tw.Flush(); err != nil {
			return usageError(env, "%v", err)
		}
	default:
		return usageError(env, "--format: unknown format %q (want text or json)", *format)
	}
	return exitOK
}

// matchKey matches a glob (any of *?[) or else a substring.
func matchKey(pattern, key string) bool {
	if pattern == "" {
		return true
	}
	if strings.ContainsAny(pattern, "*?[") {
		ok, _ := path.Match(pattern, key)
		return ok || strings.HasPrefix(key, strings.TrimSuffix(pattern, "*"))
	}
	return strings.Contains(key, pattern)
}

// ExplainKey describes a deployment.toml key across WSO2's versions: which
// versions and distributions read it, its default, the templates and lines
// that read it, and what became of it (renamed, removed). It returns "" for
// a key no version of the catalogue knows.
func ExplainKey(key string) string {
	var b strings.Builder
	var readIn []string
	var first *catalog.Key
	for _, e := range catalog.Across("", key) {
		if !e.Match.Known {
			continue
		}
		readIn = append(readIn, e.Set.Version+"/"+e.Set.Dist)
		if len(e.Match.Keys) > 0 {
			first = e.Match.Keys[0]
		}
	}
	if len(readIn) == 0 {
		return ""
	}
	fmt.Fprintf(&b, "%s (a deployment.toml key of WSO2 API Manager)\n\n", key)
	fmt.Fprintf(&b, "Read in: %s\n", strings.Join(readIn, ", "))
	vs := catalog.Versions()
	latest := vs[len(vs)-1]
	for _, d := range catalog.Dists(latest) {
		m := catalog.Get(latest, d).Lookup(key)
		for _, k := range m.Keys {
			if k.Path != strings.Join(catalog.Segments(key), ".") && len(m.Keys) > 1 {
				continue
			}
			first = k
		}
	}
	if first != nil {
		if first.Path != key {
			fmt.Fprintf(&b, "Catalogue entry: %s\n", first.Path)
		}
		if v, ok := first.Default(); ok {
			d, _ := json.Marshal(v)
			fmt.Fprintf(&b, "Default: %s\n", d)
		}
		if first.Unit != "" {
			fmt.Fprintf(&b, "Unit: %s\n", first.Unit)
		}
		if len(first.MapsTo) > 0 {
			fmt.Fprintf(&b, "Mapped to: %s\n", strings.Join(first.MapsTo, ", "))
		}
		if len(first.Reads) > 0 {
			fmt.Fprintln(&b, "Read by:")
			for _, r := range first.Reads {
				fmt.Fprintf(&b, "  %s:%d\n", r.Template, r.Line)
			}
		}
		fmt.Fprintf(&b, "Known from: %s\n", strings.Join(first.Sources(), ", "))
	}
	if r, to, ok := catalog.RenamedKey(latest, key); ok {
		fmt.Fprintf(&b, "Renamed: to %s in %s\n", to, r.Since)
	} else if !catalog.Get(latest, catalog.DistAllInOne).Lookup(key).Known {
		for _, d := range catalog.Dists(latest) {
			if last, ok := catalog.LastReadIn(latest, d, key); ok {
				fmt.Fprintf(&b, "Removed: %s (%s) reads it no more; %s was the last version to read it\n", latest, d, last)
				break
			}
		}
	}
	return b.String()
}

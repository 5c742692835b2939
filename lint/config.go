package lint

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// ConfigFileName is the fleet config at the root of a fleet.
const ConfigFileName = ".apimlint.toml"

// RuleConfigID is the rule under which problems of the fleet config are reported.
const RuleConfigID = "apimlint-config"

// Config is the fleet config, .apimlint.toml.
type Config struct {
	Fleet         FleetConfig          `toml:"fleet"`
	Rules         RulesConfig          `toml:"rules"`
	Exclude       []string             `toml:"exclude"`
	Nodes         []NodeConfig         `toml:"node"`
	LoadBalancers []LoadBalancerConfig `toml:"loadbalancer"`
	Drift         DriftConfig          `toml:"drift"`
	Schema        SchemaConfig         `toml:"schema"`
	Ignore        []IgnoreConfig       `toml:"ignore"`
	Lint          LintConfig           `toml:"lint"`
	// Fleets are the [[fleet]] entries of an estate's root config (see
	// DiscoverEstate); TOML cannot hold them beside [fleet], so they are
	// read apart (estate_config.go).
	Fleets []FleetEntry `toml:"-"`

	// File is where the config was read from ("" when defaulted).
	File string `toml:"-"`
	// src is the config as read, to place [[ignore]] entries.
	src []byte
}

// FleetConfig holds facts about the whole fleet.
type FleetConfig struct {
	// Complete declares that every node's addresses are known, so a host
	// that matches none is an error rather than a possible load balancer.
	Complete bool `toml:"complete"`
	// Version is the API Manager version of the fleet ("4.6.0"); empty
	// when apimlint is to infer it from the keys (package fleetversion).
	Version string `toml:"version"`
	// VersionFrom names where Version was declared when it was not the
	// fleet's own [fleet] table: the root config's [[fleet]] entry, for
	// the explanations of apimlint nodes.
	VersionFrom string `toml:"-" json:"-"`
}

// RulesConfig enables, disables and re-grades rules.
type RulesConfig struct {
	Enable   []string          `toml:"enable"`
	Disable  []string          `toml:"disable"`
	Severity map[string]string `toml:"severity"`
}

// NodeConfig describes one node (or the nodes a glob matches).
type NodeConfig struct {
	Path      string   `toml:"path"` // node name or glob on node names
	Role      string   `toml:"role"`
	Addresses []string `toml:"addresses"`
	Offset    *int     `toml:"offset"`
	Keystores []string `toml:"keystores"`
	Version   string   `toml:"version"` // API Manager version of these nodes; overrides [fleet] version
}

// LoadBalancerConfig declares a host in front of the nodes of one role.
type LoadBalancerConfig struct {
	Host  string `toml:"host"`
	Role  string `toml:"role"`
	Ports []int  `toml:"ports"`
}

// DriftConfig lists keys expected to differ (between peers, or from a baseline).
type DriftConfig struct {
	Ignore []string            `toml:"ignore"`
	Roles  map[string][]string `toml:"roles"` // role -> extra ignore globs
}

// SchemaConfig extends the built-in schemas.
type SchemaConfig struct {
	Extra []string `toml:"extra"`
}

// IgnoreConfig suppresses findings for files that cannot carry comments.
type IgnoreConfig struct {
	Rule   string `toml:"rule"`
	Path   string `toml:"path"`
	Key    string `toml:"key"`
	Reason string `toml:"reason"`
	Until  string `toml:"until"`
}

// ParseConfig reads a fleet config. Problems (bad TOML, unknown keys, bad
// values) come back as findings with positions, so apimlint lints its own
// config; the Config holds whatever could be read.
func ParseConfig(file string, data []byte) (*Config, []Finding) {
	// Editors on Windows start files with a byte-order mark, node files
	// too, which are read without it: a config is read the same way.
	data = bytes.TrimPrefix(data, bom)
	cfg := &Config{File: file}
	fleets, data, fleetDiag := splitFleetEntries(file, data)
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(cfg)
	var out []Finding
	report := func(line, col int, key, format string, args ...any) {
		out = append(out, Finding{Rule: RuleConfigID, Severity: SeverityError, Node: "", File: file,
			Line: max(line, 1), Column: max(col, 1), Key: key, Message: fmt.Sprintf(format, args...)})
	}
	var strict *toml.StrictMissingError
	var derr *toml.DecodeError
	switch {
	case errors.As(err, &strict):
		for _, e := range strict.Errors {
			line, col := e.Position()
			report(line, col, strings.Join(e.Key(), "."), "unknown key %s in %s", strings.Join(e.Key(), "."), ConfigFileName)
		}
		// Decode again leniently so that the known keys still apply.
		cfg = &Config{File: file}
		_ = toml.Unmarshal(data, cfg)
	case errors.As(err, &derr):
		line, col := derr.Position()
		report(line, col, strings.Join(derr.Key(), "."), "%s", derr.Error())
		cfg = &Config{File: file}
	case err != nil:
		report(1, 1, "", "%v", err)
		cfg = &Config{File: file}
	}
	cfg.src = data
	cfg.Fleets = fleets
	out = append(out, fleetDiag...)
	out = append(out, cfg.validate(data)...)
	return cfg, out
}

func (c *Config) validate(data []byte) []Finding {
	var out []Finding
	// at places a problem: the line given, or the first mention of key.
	at := func(line int, key, format string, args ...any) {
		if line == 0 {
			line = lineOf(data, key)
		}
		out = append(out, Finding{Rule: RuleConfigID, Severity: SeverityError, File: c.File, Line: line, Column: 1,
			Key: key, Message: fmt.Sprintf(format, args...)})
	}
	for i, n := range c.Nodes {
		if n.Path == "" {
			at(entryLine(data, "[[node]]", i, "path"), "node", "[[node]] #%d has no path", i+1)
		}
		if n.Role != "" {
			if _, ok := ParseRole(n.Role); !ok {
				at(entryLine(data, "[[node]]", i, "role"), "role", "[[node]] %q: unknown role %q (want one of %s)", n.Path, n.Role, roleList())
			}
		}
		if _, err := path.Match(n.Path, ""); err != nil {
			at(entryLine(data, "[[node]]", i, "path"), "path", "[[node]] path %q is not a valid glob: %v", n.Path, err)
		}
	}
	for i, lb := range c.LoadBalancers {
		if lb.Host == "" {
			at(entryLine(data, "[[loadbalancer]]", i, "host"), "loadbalancer", "[[loadbalancer]] has no host")
		}
		if _, ok := ParseRole(lb.Role); !ok {
			at(entryLine(data, "[[loadbalancer]]", i, "role"), "role", "[[loadbalancer]] %q: unknown role %q (want one of %s)", lb.Host, lb.Role, roleList())
		}
	}
	for id, sev := range c.Rules.Severity {
		if _, err := ParseSeverity(sev); err != nil {
			at(assignLine(data, id), id, "[rules.severity] %s: %v", id, err)
		}
	}
	for _, g := range c.Exclude {
		if _, err := path.Match(g, ""); err != nil {
			at(0, "exclude", "exclude pattern %q is not a valid glob: %v", g, err)
		}
	}
	return out
}

// lineOf finds the first line that mentions key, for positions of
// problems found after decoding.
func lineOf(data []byte, key string) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		if bytes.Contains(line, []byte(key)) {
			return i + 1
		}
	}
	return 1
}

func roleList() string {
	var s []string
	for _, r := range Roles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

// NodeConfigFor returns the merged [[node]] entries that match a node name.
func (c *Config) NodeConfigFor(name string) (NodeConfig, bool) {
	var out NodeConfig
	found := false
	if c == nil {
		return out, false
	}
	for _, nc := range c.Nodes {
		if !MatchNodePath(nc.Path, name) {
			continue
		}
		found = true
		out.Path = nc.Path
		if nc.Role != "" {
			out.Role = nc.Role
		}
		if nc.Offset != nil {
			out.Offset = nc.Offset
		}
		out.Addresses = append(out.Addresses, nc.Addresses...)
		out.Keystores = append(out.Keystores, nc.Keystores...)
		if nc.Version != "" {
			out.Version = nc.Version
		}
	}
	return out, found
}

// Excludes reports whether the config's exclude globs leave out the node
// file at rel (slash path below the fleet root) or the node name.
func (c *Config) Excludes(rel, name string) bool {
	if c == nil {
		return false
	}
	for _, g := range c.Exclude {
		g = strings.TrimPrefix(g, "./")
		if MatchGlob(g, rel) || MatchGlob(g, name) {
			return true
		}
	}
	return false
}

// MatchNodePath matches a [[node]] path against a node name: exactly, as
// a glob, or against the node's file path.
func MatchNodePath(pattern, name string) bool {
	pattern = strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(pattern, "./"), "/deployment.toml"), "/")
	pattern = strings.TrimSuffix(pattern, "/repository/conf")
	if pattern == name {
		return true
	}
	ok, _ := path.Match(pattern, name)
	return ok
}

// MatchGlob matches slash paths with path.Match, and "**" as any number of
// segments.
func MatchGlob(pattern, p string) bool {
	if !strings.Contains(pattern, "**") {
		ok, _ := path.Match(pattern, p)
		if ok {
			return true
		}
		// A directory pattern excludes everything below it.
		for dir := path.Dir(p); dir != "." && dir != "/"; dir = path.Dir(dir) {
			if ok, _ := path.Match(pattern, dir); ok {
				return true
			}
		}
		return false
	}
	i := strings.Index(pattern, "**")
	prefix, suffix := pattern[:i], strings.TrimPrefix(pattern[i+2:], "/")
	if !strings.HasPrefix(p, prefix) {
		return false
	}
	rest := p[len(prefix):]
	if suffix == "" {
		return true
	}
	segs := strings.Split(rest, "/")
	for j := range segs {
		if MatchGlob(suffix, strings.Join(segs[j:], "/")) {
			return true
		}
	}
	return false
}

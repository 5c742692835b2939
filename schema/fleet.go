package schema

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// ForConfig returns the schema a fleet config asks for: the built-in one,
// unified with the CUE files its [schema] extra globs name (relative to the
// config file's directory), read from the operating system's file system.
// Problems with those files come back as schema-type findings; the
// built-in schema is used then.
func ForConfig(cfg *lint.Config) (*Schema, []lint.Finding) {
	return ForConfigFS(cfg, nil)
}

// ForFleet is ForConfig for a loaded fleet: policies are read from the
// file system the fleet came from (lint.LoadFS fixtures included).
func ForFleet(f *lint.Fleet) (*Schema, []lint.Finding) {
	return ForConfigFS(f.Config, f.FS)
}

// ForConfigFS is ForConfig for a fleet loaded with lint.LoadFS: the policy
// files are read from fsys, relative to the config's path in it (nil
// means the operating system's file system).
func ForConfigFS(cfg *lint.Config, fsys fs.FS) (*Schema, []lint.Finding) {
	base, err := Builtin()
	if err != nil {
		return nil, ErrorFindings(err)
	}
	if cfg == nil || len(cfg.Schema.Extra) == 0 {
		return base, nil
	}
	glob, read, join, dirOf, isAbs := filepath.Glob, os.ReadFile, filepath.Join, filepath.Dir, filepath.IsAbs
	if fsys != nil {
		glob = func(p string) ([]string, error) { return fs.Glob(fsys, p) }
		read = func(p string) ([]byte, error) { return fs.ReadFile(fsys, p) }
		join, dirOf = path.Join, path.Dir
		isAbs = func(string) bool { return false }
	}
	dir := "."
	if cfg.File != "" {
		dir = dirOf(cfg.File)
	}
	var cfgSrc []byte
	if cfg.File != "" {
		cfgSrc, _ = read(cfg.File) // only for positions; the loader read it already
	}
	var findings []lint.Finding
	var extra []Source
	for _, pat := range cfg.Schema.Extra {
		full := pat
		if !isAbs(full) {
			full = join(dir, pat)
		}
		matches, err := glob(full)
		if err != nil || len(matches) == 0 {
			why := "matches no file"
			if err != nil {
				why = "is not a valid pattern: " + err.Error()
			}
			findings = append(findings, configFinding(cfg, cfgSrc, pat,
				"[schema] extra %q %s (looked in %s); the built-in schema applies without it", pat, why, dir))
			continue
		}
		sort.Strings(matches)
		for _, m := range matches {
			data, err := read(m)
			if err != nil {
				findings = append(findings, configFinding(cfg, cfgSrc, pat, "[schema] extra %q: %v", pat, err))
				continue
			}
			extra = append(extra, Source{Name: m, Data: data})
		}
	}
	if len(extra) == 0 {
		return base, findings
	}
	s, err := compileCached(extra)
	if err != nil {
		return base, append(findings, ErrorFindings(err)...)
	}
	return s, findings
}

func configFinding(cfg *lint.Config, src []byte, needle, format string, args ...any) lint.Finding {
	line := 1
	for i, l := range bytes.Split(src, []byte("\n")) {
		if bytes.Contains(l, []byte(needle)) {
			line = i + 1
			break
		}
	}
	file := cfg.File
	if file == "" {
		file = lint.ConfigFileName
	}
	return lint.Finding{Rule: RuleType, Severity: lint.SeverityError, File: file, Line: line, Column: 1,
		Key: "schema.extra", Message: fmt.Sprintf(format, args...)}
}

// Compiled schemas with extras, by the extras' names and contents: a
// watcher re-lints the same fleet often, and compiling costs milliseconds.
var (
	extraMu    sync.Mutex
	extraCache = map[[32]byte]*Schema{}
)

func compileCached(extra []Source) (*Schema, error) {
	h := sha256.New()
	for _, s := range extra {
		fmt.Fprintf(h, "%s\x00%d\x00", s.Name, len(s.Data))
		h.Write(s.Data)
	}
	var key [32]byte
	copy(key[:], h.Sum(nil))
	extraMu.Lock()
	defer extraMu.Unlock()
	if s, ok := extraCache[key]; ok {
		return s, nil
	}
	s, err := Compile(append(BuiltinSources(), extra...))
	if err != nil {
		return nil, err
	}
	if len(extraCache) >= 8 {
		clear(extraCache) // a fresh context per schema keeps memory bounded
	}
	extraCache[key] = s
	return s, nil
}

// Check validates every node of a fleet in parallel and returns the
// findings of the three schema rules, including problems with the fleet's
// extra policies.
func Check(f *lint.Fleet) []lint.Finding { return check(f, fleetversion.All(f)) }

func check(f *lint.Fleet, versions map[*lint.Node]fleetversion.Version) []lint.Finding {
	s, out := ForFleet(f)
	if s == nil {
		return out
	}
	per := make([][]lint.Finding, len(f.Nodes))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(1, len(f.Nodes))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				per[i] = s.evalDynamic(f.Nodes[i], s.Check(f.Nodes[i]))
				per[i] = append(per[i], CatalogueFindings(f.Nodes[i], versions[f.Nodes[i]], per[i])...)
			}
		}()
	}
	for i := range f.Nodes {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, fs := range per {
		out = append(out, fs...)
	}
	return out
}

// Validation is the analysis the schema rules share: the fleet is
// validated once per run, and each rule reports its own kind of finding.
var Validation = &lint.Analysis{
	Name:     "schema",
	Doc:      "validates every node against the CUE schema of its role and the key catalogue of its version, with the fleet's [schema] extra policies",
	Requires: []*lint.Analysis{fleetversion.Analysis},
	Run: func(p *lint.AnalysisPass) (any, error) {
		versions, _ := p.ResultOf(fleetversion.Analysis).(map[*lint.Node]fleetversion.Version)
		return check(p.Fleet, versions), nil
	},
}

// Findings returns the findings of one schema rule from the shared
// validation.
func Findings(p *lint.Pass, rule string) []lint.Finding {
	all, _ := p.ResultOf(Validation).([]lint.Finding)
	var out []lint.Finding
	for _, x := range all {
		if x.Rule == rule {
			out = append(out, x)
		}
	}
	return out
}

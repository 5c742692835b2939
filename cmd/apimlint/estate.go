package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/apimlint/apimlint/lint"
)

// discoverEstate discovers the fleets below PATH. It returns nil when
// several paths or files are given (they are one fleet, as always);
// splitEstate says whether to lint the result as an estate. With a
// linter, folders are linted as they are read (lint.Linter.DiscoverEstate);
// lintEstate must then get the same linter.
func discoverEstate(paths []string, config string, fleets []string, linter *lint.Linter) (*lint.Estate, error) {
	if len(paths) != 1 {
		if len(fleets) > 0 {
			return nil, fmt.Errorf("--fleet needs one PATH: the estate directory")
		}
		return nil, nil
	}
	st, err := os.Stat(paths[0])
	if err != nil || !st.IsDir() {
		if len(fleets) > 0 {
			return nil, fmt.Errorf("--fleet needs one PATH: the estate directory")
		}
		return nil, nil // lint.Load reports the error as it always did
	}
	if linter != nil {
		return linter.DiscoverEstate(paths[0], lint.LoadOptions{ConfigFile: config})
	}
	return lint.DiscoverEstate(paths[0], lint.LoadOptions{ConfigFile: config})
}

// splitEstate reports whether e is to be linted fleet by fleet: it split,
// or --fleet selects among its fleets.
func splitEstate(e *lint.Estate, fleets []string) bool {
	return e != nil && (e.Split || len(fleets) > 0)
}

// loadFleet loads PATH... as one fleet: the estate's single fleet when
// discovery already read it (its files are not parsed twice), else as
// lint.Load does.
func loadFleet(e *lint.Estate, paths []string, config string) (*lint.Fleet, error) {
	if e != nil && len(e.Fleets) == 1 {
		return e.LoadFleet(e.Fleets[0])
	}
	return lint.Load(paths, lint.LoadOptions{ConfigFile: config})
}

// lintEstate lints every fleet of an estate on its own and reports them
// together; the exit code covers all fleets.
func lintEstate(env *cliEnv, cf *commonFlags, rep reporting, e *lint.Estate, fleets []string, linter *lint.Linter, verbose bool) int {
	plans, err := selectPlans(env, e, fleets, verbose)
	if err != nil {
		return usageError(env, "%v", err)
	}
	// Each fleet is released before the next is loaded: with at most
	// GOGC=100 peak memory follows the largest fleet, where the one-shot
	// policy's GOGC=200 would let garbage of released fleets pile up
	// (about 310 MiB against 130 MiB on 10,000 nodes in 400 fleets).
	steadyGC(100)
	res, err := linter.LintEstate(context.Background(), e, lint.EstateRunOptions{Fleets: plans, Each: rep.pictureEach(e.Root)})
	if err != nil {
		return usageError(env, "%v", err)
	}
	return cf.report(env, rep, res, false)
}

// selectPlans picks the fleets to lint (--fleet), says how the tree split
// when verbose, and refuses a selection without node files.
func selectPlans(env *cliEnv, e *lint.Estate, fleets []string, verbose bool) ([]*lint.FleetPlan, error) {
	plans, err := e.SelectFleets(fleets)
	if err != nil {
		return nil, err
	}
	if verbose {
		fmt.Fprintf(env.stderr, "apimlint: %s holds %d fleets; linting %d, each on its own\n", e.Root, len(e.Fleets), len(plans))
		for _, p := range plans {
			cfg := p.ConfigFile
			if cfg == "" {
				cfg = "none"
			}
			fmt.Fprintf(env.stderr, "  fleet %s: %s, %d %s, config %s (%s)\n", p.Name, p.Root, len(p.Files), pluralWord(len(p.Files), "node", "nodes"), cfg, p.Why)
		}
	}
	nodes := 0
	for _, p := range plans {
		nodes += len(p.Files)
	}
	if nodes == 0 {
		return nil, fmt.Errorf("no node files (deployment.toml) in %s", e.Root)
	}
	return plans, nil
}

// writeEstateNodes lists every node with its fleet and why the fleet was
// split off (apimlint nodes on an estate), as text or JSON.
func writeEstateNodes(w io.Writer, e *lint.Estate, format string) error {
	if format == "json" {
		return writeEstateNodesJSON(w, e)
	}
	for _, p := range e.Fleets {
		f, err := e.LoadFleet(p)
		if err != nil {
			return err
		}
		// The discovery reason quotes what links nodes: hidden like every
		// output of the fleet's.
		fw := redactingWriter{w: w, redact: f.Redact}
		if _, err := fmt.Fprintf(fw, "fleet %s: %s, %d %s (%s)\n", p.Name, p.Root, len(p.Files), pluralWord(len(p.Files), "node", "nodes"), p.Why); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(fw, 0, 4, 2, ' ', 0)
		for _, n := range f.Nodes {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", n.Name, n.Role, n.RoleSource, n.File)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// estateConfig is the [[fleet]] entries that pin a discovered split, for
// apimlint init on an estate.
func estateConfig(w io.Writer, e *lint.Estate) error {
	var b strings.Builder
	b.WriteString("# apimlint estate config: the fleets found below this directory.\n")
	b.WriteString("# Each [[fleet]] is linted on its own; no rule sees two fleets.\n")
	b.WriteString("# Edit the paths (globs allowed) and names to pin the split.\n")
	shared := map[string]int{}
	for _, p := range e.Fleets {
		shared[p.Root]++
	}
	for _, p := range e.Fleets {
		rel := relSlash(e.Root, p.Root)
		b.WriteString("\n# " + strings.ReplaceAll(p.Why, "\n", " ") + "\n")
		if shared[p.Root] > 1 {
			// Fleets side by side in one folder cannot be told apart by a
			// path: say so rather than pin a wrong split.
			b.WriteString("# " + p.Name + " shares the folder " + rel + " with another fleet; a [[fleet]] path names a folder,\n")
			b.WriteString("# so move its nodes into a folder of their own to pin it:\n")
			for _, f := range p.Files {
				b.WriteString("#   " + relSlash(e.Root, f) + "\n")
			}
			continue
		}
		b.WriteString("[[fleet]]\npath = " + strconv.Quote(rel) + "\n")
		if p.Name != rel {
			b.WriteString("name = " + strconv.Quote(p.Name) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func relSlash(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

// ownersOfChanged turns `lint --changed PATH FILE...` into the fleets of
// the estate at PATH that own the FILEs: node files, or a .apimlint.toml
// (every fleet it is in force for). It returns the paths and fleet names
// to lint, the estate it discovered (linting takes it as it is, instead of
// parsing the tree again), and an exit code >= 0 when there is nothing to
// lint.
func ownersOfChanged(env *cliEnv, paths, fleets []string, config string) ([]string, []string, *lint.Estate, int) {
	if len(paths) == 0 {
		return nil, nil, nil, usageError(env, "--changed needs PATH (the estate) and the changed files")
	}
	root := paths[0]
	e, err := lint.DiscoverEstate(root, lint.LoadOptions{ConfigFile: config})
	if err != nil {
		return nil, nil, nil, usageError(env, "%v", err)
	}
	owners := e.FleetsOwning(paths[1:])
	if len(owners) == 0 {
		return nil, nil, nil, exitOK // no node file of any fleet changed
	}
	if !e.Split {
		return []string{root}, fleets, e, -1
	}
	for _, p := range owners {
		fleets = append(fleets, p.Name)
	}
	return []string{root}, fleets, e, -1
}

type estateNodeJSON struct {
	Name       string         `json:"name"`
	File       string         `json:"file"`
	Role       string         `json:"role"`
	RoleSource string         `json:"roleSource"`
	RoleDetail string         `json:"roleDetail"`
	Addresses  []lint.Address `json:"addresses"`
}

type estateFleetJSON struct {
	Name   string           `json:"name"`
	Root   string           `json:"root"`
	Why    string           `json:"why"`
	Config string           `json:"config,omitempty"`
	Nodes  []estateNodeJSON `json:"nodes"`
}

func writeEstateNodesJSON(w io.Writer, e *lint.Estate) error {
	out := struct {
		Root   string            `json:"root"`
		Fleets []estateFleetJSON `json:"fleets"`
	}{Root: e.Root, Fleets: []estateFleetJSON{}}
	for _, p := range e.Fleets {
		f, err := e.LoadFleet(p)
		if err != nil {
			return err
		}
		// Role evidence and discovery reasons quote values from the files:
		// hidden like every output of a fleet's (as the single-fleet nodes do).
		fj := estateFleetJSON{Name: p.Name, Root: p.Root, Why: f.Redact(p.Why), Config: p.ConfigFile, Nodes: []estateNodeJSON{}}
		for _, n := range f.Nodes {
			fj.Nodes = append(fj.Nodes, estateNodeJSON{Name: n.Name, File: n.File, Role: string(n.Role), RoleSource: n.RoleSource,
				RoleDetail: f.Redact(n.RoleDetail), Addresses: append([]lint.Address{}, n.Addresses...)})
		}
		out.Fleets = append(out.Fleets, fj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// pinnable reports whether at least one fleet has a folder of its own: a
// root config whose [[fleet]] entries would all be comments would make the
// tree one fleet.
func pinnable(e *lint.Estate) bool {
	shared := map[string]int{}
	for _, p := range e.Fleets {
		shared[p.Root]++
	}
	for _, n := range shared {
		if n == 1 {
			return true
		}
	}
	return false
}

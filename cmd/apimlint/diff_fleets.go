package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/lint"
)

// estateDiffFlags are diff's flags for comparing two fleets.
type estateDiffFlags struct {
	fleets bool
	estate string
}

func (f *estateDiffFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.fleets, "fleets", false, "compare two fleets role by role: each a fleet directory, or a fleet name of the estate at --estate")
	fs.StringVar(&f.estate, "estate", ".", "with --fleets, the estate `PATH` whose fleets the names refer to")
}

// runDiffFleets compares two fleets role by role (apimlint diff --fleets
// A B); the exit code is 1 when they differ.
func runDiffFleets(env *cliEnv, ef estateDiffFlags, pos []string, format, config string, ignore []string) int {
	if len(pos) != 2 {
		return usageError(env, "diff --fleets needs two fleets: fleet directories, or fleet names of the estate at --estate")
	}
	var estate *lint.Estate
	load := func(arg string) (*lint.Fleet, string, error) {
		if st, err := os.Stat(arg); err == nil && st.IsDir() {
			f, err := lint.Load([]string{arg}, lint.LoadOptions{ConfigFile: config})
			return f, arg, err
		}
		if estate == nil {
			e, err := lint.DiscoverEstate(ef.estate, lint.LoadOptions{ConfigFile: config})
			if err != nil {
				return nil, "", err
			}
			estate = e
		}
		plans, err := estate.SelectFleets([]string{arg})
		if err != nil {
			// A path-like argument that is no directory is a path the user
			// mistyped, not a fleet name.
			if strings.ContainsAny(arg, `/\`) || strings.HasPrefix(arg, ".") {
				return nil, "", fmt.Errorf("diff --fleets: %s is not a directory, nor a fleet of the estate at %s", arg, ef.estate)
			}
			return nil, "", fmt.Errorf("diff --fleets: %w", err)
		}
		f, err := estate.LoadFleet(plans[0])
		return f, plans[0].Name, err
	}
	a, nameA, err := load(pos[0])
	if err != nil {
		return usageError(env, "%v", err)
	}
	b, nameB, err := load(pos[1])
	if err != nil {
		return usageError(env, "%v", err)
	}
	d := drift.CompareFleets(nameA, a, nameB, b, ignore)
	switch format {
	case "json":
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			return usageError(env, "write json: %v", err)
		}
	default:
		if err := drift.WriteFleetDiffText(env.stdout, d); err != nil {
			return usageError(env, "write: %v", err)
		}
	}
	if len(d.Roles) > 0 {
		return exitFindings
	}
	return exitOK
}

package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/watch"
)

// relintedNames are the fleets a lint of a tree of fleets ran on, never
// null in JSON.
func relintedNames(s *watch.Stats) []string {
	if s.Relinted == nil {
		return []string{}
	}
	return s.Relinted
}

// relintedText says which fleets a change made watch lint again, for the
// text line after every lint of a tree of fleets.
func relintedText(s *watch.Stats) string {
	if len(s.Relinted) == 0 {
		return fmt.Sprintf("no fleet (of %d)", s.Fleets)
	}
	return fmt.Sprintf("%s %s (of %d)", pluralWord(len(s.Relinted), "fleet", "fleets"), strings.Join(s.Relinted, ", "), s.Fleets)
}

// estateWatchBaseline sets the watch options from an estate baseline
// (apimlint baseline on a tree that splits): each fleet is compared with
// its own record. It reports false when the file is not one (a fleet's
// baseline, read as before).
func estateWatchBaseline(env *cliEnv, file string, opts *watch.Options) (bool, error) {
	data := estateBaselineData(file)
	if data == nil {
		return false, nil // a fleet's baseline; readBaseline reports an unreadable file
	}
	eb, err := drift.ParseEstate(data)
	if err != nil {
		return true, fmt.Errorf("baseline %s: %w", file, err)
	}
	key, err := drift.LoadKey(env.getenv, env.getenv(keyFileEnv), false)
	if err != nil {
		fmt.Fprintf(env.stderr, "apimlint: warning: %v\n", err)
	}
	check := eb.Baseline(&drift.FleetBaseline{})
	check.UseKey(key)
	printWarnings(env, check.Warnings)
	opts.EstateBaseline, opts.BaselineKey, opts.BaselineFile = eb, key, file
	return true, nil
}

// estateBaselineData is the file's content when it is an estate baseline,
// else nil.
func estateBaselineData(file string) []byte {
	data, err := os.ReadFile(file)
	if err != nil || !drift.IsEstateBaseline(data) {
		return nil
	}
	return data
}

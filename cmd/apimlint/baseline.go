package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/lint"
)

func init() {
	addCommand(&command{name: "baseline", usage: "[--config FILE] PATH... -o FILE", summary: "record the fleet's approved state for drift", run: runBaseline})
}

func runBaseline(env *cliEnv, args []string) int {
	fs := newFlagSet(env, "baseline", "[--config FILE] PATH... -o FILE")
	out := fs.String("o", "", "baseline `FILE` to write (required; - for stdout)")
	config := fs.String("config", "", "fleet config file (default: PATH/.apimlint.toml when present)")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(paths) == 0 || *out == "" {
		fs.Usage()
		return usageError(env, "baseline needs a PATH and -o FILE")
	}
	if estate, err := discoverEstate(paths, *config, nil); err != nil {
		return usageError(env, "%v", err)
	} else if estate != nil && estate.Split {
		return writeEstateBaseline(env, estate, *out)
	}
	fleet, err := lint.Load(paths, lint.LoadOptions{ConfigFile: *config})
	if err != nil {
		return usageError(env, "%v", err)
	}
	salt, err := previousSalt(*out)
	if err != nil {
		return usageError(env, "%v", err)
	}
	b, err := drift.Record(fleet, drift.RecordOptions{Salt: salt})
	if err != nil {
		return usageError(env, "%v", err)
	}
	if *out == "-" {
		if _, err := b.WriteTo(env.stdout); err != nil {
			return usageError(env, "write baseline: %v", err)
		}
		return exitOK
	}
	if err := drift.WriteFile(*out, b); err != nil {
		return usageError(env, "%v", err)
	}
	keys := 0
	for _, n := range b.Nodes {
		keys += len(n.Keys)
	}
	fmt.Fprintf(env.stderr, "apimlint: baseline of %d nodes, %d keys written to %s\n", len(b.Nodes), keys, *out)
	return exitOK
}

// previousSalt reuses the salt of the baseline being replaced, so that
// recording again changes only the lines of keys that changed. A file that
// is not a baseline is not overwritten silently.
func previousSalt(path string) (string, error) {
	if path == "-" {
		return "", nil
	}
	old, err := drift.ReadFile(path)
	switch {
	case err == nil:
		return old.Salt, nil
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	}
	return "", fmt.Errorf("%w; refusing to overwrite it (remove it first)", err)
}

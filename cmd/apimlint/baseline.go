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

// keyFileEnv overrides where the baseline key file is kept
// (drift.DefaultKeyFile otherwise).
const keyFileEnv = "APIMLINT_BASELINE_KEY_FILE"

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
	manifests := lint.IsManifestInput(paths) // Kubernetes manifests are one fleet, never an estate
	if manifests {
	} else if estate, err := discoverEstate(paths, *config, nil, nil); err != nil {
		return usageError(env, "%v", err)
	} else if estate != nil && estate.Split {
		return writeEstateBaseline(env, estate, *out)
	}
	fleet, err := loadDriftPaths(paths, manifests, *config)
	if err != nil {
		return usageError(env, "%v", err)
	}
	if err := checkReplaceable(*out); err != nil {
		return usageError(env, "%v", err)
	}
	key, err := recordingKey(env)
	if err != nil {
		return usageError(env, "%v", err)
	}
	b, err := drift.Record(fleet, drift.RecordOptions{Key: key})
	if err != nil {
		return usageError(env, "%v", err)
	}
	printWarnings(env, b.Warnings)
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

// recordingKey finds the key for a new baseline, making the key file on
// first use. A key that cannot be made (no home directory, read-only) is
// a warning: the baseline then keeps secrets by presence only. A key that
// is given but unusable (too short) is an error.
func recordingKey(env *cliEnv) (*drift.Key, error) {
	if env.getenv(drift.KeyEnv) != "" {
		return drift.LoadKey(env.getenv, "", false)
	}
	key, err := drift.LoadKey(env.getenv, env.getenv(keyFileEnv), true)
	if err != nil {
		fmt.Fprintf(env.stderr, "apimlint: warning: %v\n", err)
		return nil, nil
	}
	if key.Created {
		fmt.Fprintf(env.stderr, "apimlint: created the baseline key %s (mode 0600): keep it; CI needs it as %s to check secrets against this baseline\n", key.Source, drift.KeyEnv)
	}
	return key, nil
}

// readBaseline reads a baseline and gives it its key, when there is one;
// what the baseline cannot check is printed as warnings.
func readBaseline(env *cliEnv, path string) (*drift.Baseline, error) {
	b, err := drift.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := drift.LoadKey(env.getenv, env.getenv(keyFileEnv), false)
	if err != nil {
		fmt.Fprintf(env.stderr, "apimlint: warning: %v\n", err)
	}
	b.UseKey(key)
	printWarnings(env, b.Warnings)
	return b, nil
}

func printWarnings(env *cliEnv, ws []string) {
	for _, w := range ws {
		fmt.Fprintf(env.stderr, "apimlint: warning: %s\n", w)
	}
}

// checkReplaceable refuses to overwrite a file that is not a baseline: a
// typo in -o must not destroy something else.
func checkReplaceable(path string) error {
	if path == "-" {
		return nil
	}
	_, err := drift.ReadFile(path)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return fmt.Errorf("%w; refusing to overwrite it (remove it first)", err)
}

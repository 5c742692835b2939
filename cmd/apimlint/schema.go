package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/schema"
	"github.com/apimlint/apimlint/wso2"
)

func init() {
	addCommand(&command{name: "schema", usage: "print [--config FILE] ROLE [PATH]",
		summary: "print the effective CUE schema of a role", run: runSchema})
}

// runSchema prints a role's CUE definition: the built-in one, unified with
// the [schema] extra policies of the fleet config at PATH (or --config).
func runSchema(env *cliEnv, args []string) int {
	if len(args) == 0 || args[0] != "print" {
		return usageError(env, "usage: apimlint schema print [--config FILE] ROLE [PATH]; roles: %s", strings.Join(schema.SchemaRoles(), ", "))
	}
	fset := newFlagSet(env, "schema print", "[--config FILE] ROLE [PATH]")
	config := fset.String("config", "", "fleet config file whose [schema] extra policies to include (default: PATH/.apimlint.toml when present)")
	pos, err := parseInterspersed(fset, args[1:])
	if err != nil {
		return flagError(err)
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usageError(env, "schema print needs a ROLE (one of %s) and optionally a fleet PATH", strings.Join(schema.SchemaRoles(), ", "))
	}
	role, ok := wso2.ParseRole(pos[0])
	if !ok || schema.Definition(role) == "" {
		return usageError(env, "no schema for role %q; roles with a schema: %s (other and unknown nodes get none)", pos[0], strings.Join(schema.SchemaRoles(), ", "))
	}
	file := *config
	if file == "" && len(pos) == 2 {
		dir := pos[1]
		if st, err := os.Stat(dir); err == nil && !st.IsDir() {
			dir = filepath.Dir(dir)
		}
		file = filepath.Join(dir, lint.ConfigFileName)
	}
	var cfg *lint.Config
	if file != "" {
		data, err := os.ReadFile(file)
		switch {
		case err == nil:
			var diag []lint.Finding
			cfg, diag = lint.ParseConfig(file, data)
			for _, d := range diag {
				fmt.Fprintf(env.stderr, "%s:%d:%d: %s: %s\n", d.File, d.Line, d.Column, d.Severity, d.Message)
			}
		case *config != "" || !errors.Is(err, fs.ErrNotExist):
			return usageError(env, "read %s: %v", file, err)
		}
	}
	s, problems := schema.ForConfig(cfg)
	for _, d := range problems {
		fmt.Fprintf(env.stderr, "%s:%d:%d: %s: %s\n", d.File, d.Line, d.Column, d.Severity, d.Message)
	}
	if s == nil {
		return exitUsage
	}
	out, err := s.Print(role)
	if err != nil {
		return usageError(env, "%v", err)
	}
	fmt.Fprint(env.stdout, schema.VersionNote(cfg, role)+out)
	if len(problems) > 0 {
		return exitFindings
	}
	return exitOK
}

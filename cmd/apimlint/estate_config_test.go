package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// [fleet] beside [[fleet]] in .apimlint.toml is reported like any other
// invalid config: an apimlint-config error at FILE:LINE, exit 1 (a
// config's TOML errors are findings; exit 2 is for unreadable input).
func TestConfigFleetTableBesideEntries(t *testing.T) {
	root := t.TempDir()
	for _, env := range []string{"prod", "qa"} {
		dir := filepath.Join(root, "envs", env)
		copyDir(t, filepath.Join(repoTestdata, "clean-ha"), dir)
	}
	cfg := filepath.Join(root, ".apimlint.toml")
	if err := os.WriteFile(cfg, []byte("[fleet]\nversion = \"4.6.0\"\n\n[[fleet]]\npath = \"envs/*\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := apimlint(t, "lint", root)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitFindings, stderr)
	}
	want := cfg + ":4:1: error: [[fleet]] cannot be written beside [fleet] (line 1)"
	if !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	if n := strings.Count(out, "cannot be written beside"); n != 1 {
		t.Errorf("reported %d times, want once:\n%s", n, out)
	}
}

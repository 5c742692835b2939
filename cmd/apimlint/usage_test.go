package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/apimlint/apimlint/internal/fleettest"
)

// TestMisspeltCommand: a misspelt command is not taken for a path (issue
// 13, item 13), unless a path of that name exists.
func TestMisspeltCommand(t *testing.T) {
	for word, want := range map[string]string{"lnit": "lint", "baselnie": "baseline", "wacth": "watch", "versino": "version"} {
		_, stderr, code := apimlint(t, word, repoTestdata+"/clean-ha")
		if code != exitUsage || !strings.Contains(stderr, `did you mean "`+want+`"`) || strings.Contains(stderr, "stat "+word) {
			t.Errorf("apimlint %s: exit %d, stderr %q", word, code, stderr)
		}
	}
	dir := t.TempDir()
	fleettest.WriteFile(t, filepath.Join(dir, "lnit", "deployment.toml"), "[server]\nhostname = \"x\"\n")
	t.Chdir(dir)
	if _, stderr, code := apimlint(t, "lnit"); code == exitUsage || strings.Contains(stderr, "did you mean") {
		t.Errorf("a directory named lnit: exit %d, stderr %q", code, stderr)
	}
}

// TestVersionTakesNoArguments: `version a b` is a usage error.
func TestVersionTakesNoArguments(t *testing.T) {
	if _, _, code := apimlint(t, "version", "a", "b"); code != exitUsage {
		t.Errorf("version a b: exit %d, want %d", code, exitUsage)
	}
	if out, _, code := apimlint(t, "version"); code != exitOK || !strings.HasPrefix(out, "apimlint ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

// TestInternalErrorIsExit3: a panic in any command is exit code 3 with a
// message, never a Go crash with exit code 2 (issue 13, item 5).
func TestInternalErrorIsExit3(t *testing.T) {
	addCommand(&command{name: "test-panic", run: func(*cliEnv, []string) int { panic("boom") }})
	defer delete(commands, "test-panic")
	var out, errb strings.Builder
	code := runGuarded(&cliEnv{stdout: &out, stderr: &errb, getenv: testGetenv}, []string{"test-panic"})
	if code != exitInternal || !strings.Contains(errb.String(), "internal error") || !strings.Contains(errb.String(), "boom") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if out, _, _ := apimlint(t, "--help"); !strings.Contains(out, "3 internal error") {
		t.Errorf("usage does not document exit code 3:\n%s", out)
	}
}

// TestMemoryGuard: passing the limit calls the exit path once; sizes
// parse with their suffixes.
func TestMemoryGuard(t *testing.T) {
	used := make(chan uint64, 1)
	reads := uint64(0)
	go watchMemory(100, time.Millisecond, func() uint64 { reads += 60; return reads }, func(u uint64) { used <- u })
	select {
	case u := <-used:
		if u <= 100 {
			t.Fatalf("stopped at %d, below the limit", u)
		}
	case <-time.After(time.Minute): // a hang, not a budget
		t.Fatal("the guard never fired")
	}
	for in, want := range map[string]uint64{"1048576": 1 << 20, "512MiB": 512 << 20, "2GiB": 2 << 30, "64 KiB": 64 << 10} {
		if got, err := memoryLimit(in); err != nil || got != want {
			t.Errorf("memoryLimit(%q) = %d, %v", in, got, err)
		}
	}
	for _, bad := range []string{"lots", "0", "-1GiB"} {
		if _, err := memoryLimit(bad); err == nil {
			t.Errorf("memoryLimit(%q) accepted", bad)
		}
	}
}

// TestSoftLimitKeepsGOMEMLIMIT: the guard's soft limit never raises one
// already set (GOMEMLIMIT is applied by the runtime before main).
func TestSoftLimitKeepsGOMEMLIMIT(t *testing.T) {
	old := debug.SetMemoryLimit(64 << 20)
	defer debug.SetMemoryLimit(old)
	lowerSoftLimit(1 << 30)
	if got := debug.SetMemoryLimit(-1); got != 64<<20 {
		t.Errorf("a guard of 1 GiB set the soft limit to %d, over GOMEMLIMIT's 64 MiB", got)
	}
	lowerSoftLimit(40 << 20)
	if got := debug.SetMemoryLimit(-1); got != 36<<20 {
		t.Errorf("a guard of 40 MiB set the soft limit to %d, want 90%% of it", got)
	}
}

// TestControlCharactersEscaped: a path holding an escape sequence reaches
// the terminal escaped in text output and in errors (issue 13, item 13).
func TestControlCharactersEscaped(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gw-\x1b[31mred\x07")
	fleettest.WriteFile(t, filepath.Join(dir, "deployment.toml"), "[server\n")
	out, stderr, _ := apimlint(t, dir)
	if strings.ContainsAny(out+stderr, "\x1b\x07") || !strings.Contains(out, `gw-\x1b[31mred\x07`) {
		t.Errorf("raw control characters in the output:\n%q\n%q", out, stderr)
	}
	_, stderr, code := apimlint(t, dir+"-missing\x1b]0;title\x07")
	if code != exitUsage || strings.ContainsAny(stderr, "\x1b\x07") {
		t.Errorf("error for a missing path: exit %d, %q", code, stderr)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
}

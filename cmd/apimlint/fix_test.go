package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
)

// TestFixSeedHA: --diff shows the fixes of the seed's HA sample (a golden
// diff), --fix writes exactly those bytes and keeps file modes, every
// fixable finding is gone, and a second --fix changes nothing.
func TestFixSeedHA(t *testing.T) {
	fleet := copyFleet(t, repoTestdata+"/seed-ha")
	gw1 := filepath.Join(fleet, "gw-1", "deployment.toml")
	if err := os.Chmod(gw1, 0o600); err != nil {
		t.Fatal(err)
	}
	diff, stderr, code := apimlint(t, "lint", "--diff", fleet)
	if code != exitFindings {
		t.Fatalf("--diff: exit %d, want 1: %s", code, stderr)
	}
	diff = strings.ReplaceAll(diff, strings.TrimPrefix(filepath.ToSlash(fleet), "/")+"/", "")
	golden := filepath.Join(repoTestdata, "golden", "seed-ha.fix.diff")
	if *update {
		fleettest.WriteFile(t, golden, diff)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/apimlint -run TestFixSeedHA -update)", err)
	}
	if string(want) != diff {
		t.Errorf("--diff differs from %s:\n%s", golden, diffLines(string(want), diff))
	}
	before, _, _ := apimlint(t, "lint", fleet)
	if !strings.Contains(before, "[fixable]") {
		t.Fatal("text output marks no finding fixable")
	}
	_, stderr, _ = apimlint(t, "lint", "--fix", fleet)
	if want := fmt.Sprintf("fixed %d findings in ", strings.Count(before, "[fixable]")); !strings.Contains(stderr, want) {
		t.Errorf("--fix says %q, want %q", stderr, want)
	}
	after, _, _ := apimlint(t, "lint", fleet)
	if strings.Contains(after, "[fixable]") {
		t.Errorf("fixable findings remain after --fix:\n%s", after)
	}
	if st, err := os.Stat(gw1); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("gw-1's mode after --fix: %v %v", st.Mode(), err)
	}
	// Only the edited bytes changed: the diff --fix wrote is the golden one.
	for _, name := range []string{"apim-cp-1", "apim-cp-2", "gw-1", "gw-2", "traffic-manager-1", "traffic-manager-2"} {
		orig, _ := os.ReadFile(filepath.Join(repoTestdata, "seed-ha", name, "deployment.toml"))
		now, _ := os.ReadFile(filepath.Join(fleet, name, "deployment.toml"))
		if changed := string(orig) != string(now); changed != strings.Contains(diff, "a/"+name+"/deployment.toml") {
			t.Errorf("%s: changed %v, but the diff says otherwise", name, changed)
		}
	}
	again, stderr, code := apimlint(t, "lint", "--diff", fleet)
	if code != exitOK || again != "" {
		t.Errorf("a second round still has fixes (exit %d): %s %s", code, again, stderr)
	}
	if _, stderr, code := apimlint(t, "lint", "--fix", "--diff", fleet); code != exitUsage || !strings.Contains(stderr, "exclude each other") {
		t.Errorf("--fix --diff: exit %d: %s", code, stderr)
	}
}

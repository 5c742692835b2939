package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffSecretNextToFixApplies: in seed-ha, traffic-manager-2's
// event_duplicate_url (which --fix corrects) sits right below a plain
// password. lint --diff shows neither the password nor "****", and GNU
// patch applies it (without fuzz) to give the files --fix writes.
func TestDiffSecretNextToFixApplies(t *testing.T) {
	const secret = "Uniq-Tm-Secret-7"
	fleet := copyFleet(t, repoTestdata+"/seed-ha")
	tm := filepath.Join(fleet, "traffic-manager-2", "deployment.toml")
	data, err := os.ReadFile(tm)
	if err != nil {
		t.Fatal(err)
	}
	planted := strings.Replace(string(data), "[apim.throttling]\n", "[apim.throttling]\nusername = \"tm\"\npassword = \""+secret+"\"\n", 1)
	if planted == string(data) {
		t.Fatal("seed-ha's traffic-manager-2 has no [apim.throttling] to plant a password in")
	}
	if err := os.WriteFile(tm, []byte(planted), 0o644); err != nil {
		t.Fatal(err)
	}
	fixed := copyFleet(t, fleet)

	diff, stderr, code := apimlint(t, "lint", "--diff", fleet)
	if code != exitFindings {
		t.Fatalf("--diff: exit %d: %s", code, stderr)
	}
	if !strings.Contains(diff, "traffic-manager-2/deployment.toml") {
		t.Fatalf("no fix of traffic-manager-2, the test proves nothing:\n%s", diff)
	}
	if strings.Contains(diff, secret) || strings.Contains(diff, "****") || strings.Contains(stderr, "does not apply") {
		t.Fatalf("the diff shows the password, or hides a line:\n%s\n%s", diff, stderr)
	}
	if _, stderr, code := apimlint(t, "lint", "--fix", fixed); code != exitFindings && code != exitOK {
		t.Fatalf("--fix: exit %d: %s", code, stderr)
	}
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("GNU patch is not installed")
	}
	// The diff names files by their path without the leading "/".
	cmd := exec.Command(patch, "-p1", "--fuzz=0", "--batch", "--no-backup-if-mismatch", "-d", "/")
	cmd.Stdin = strings.NewReader(diff)
	if out, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(out), "offset") {
		t.Fatalf("patch: %v\n%s\ndiff:\n%s", err, out, diff)
	}
	got, want := snapshot(t, fleet), snapshot(t, fixed)
	if len(got) != len(want) {
		t.Fatalf("%d node files after patch, %d after --fix", len(got), len(want))
	}
	for rel, w := range want {
		if got[rel] != w {
			t.Errorf("%s: patch and --fix differ:\n%s", rel, diffLines(w, got[rel]))
		}
	}
}

// TestDiffSecretOnChangedLineSaysSo: when the line a fix changes holds a
// secret (a URL with a password in it), lint --diff hides it and says
// once, on stderr and in a comment line before that file's diff, that the
// diff does not apply as it stands.
func TestDiffSecretOnChangedLineSaysSo(t *testing.T) {
	const secret = "Uniq-Pw-55"
	fleet := copyFleet(t, repoTestdata+"/seed-ha")
	tm := filepath.Join(fleet, "traffic-manager-2", "deployment.toml")
	data, err := os.ReadFile(tm)
	if err != nil {
		t.Fatal(err)
	}
	planted := strings.Replace(string(data), "tcp://traffic-manager-2:5672", "tcp://admin:"+secret+"@traffic-manager-2:5672", 1)
	if err := os.WriteFile(tm, []byte(planted), 0o644); err != nil {
		t.Fatal(err)
	}
	diff, stderr, code := apimlint(t, "lint", "--diff", fleet)
	if code != exitFindings {
		t.Fatalf("--diff: exit %d: %s", code, stderr)
	}
	if strings.Contains(diff, secret) || strings.Contains(stderr, secret) {
		t.Fatalf("the password is shown:\n%s\n%s", diff, stderr)
	}
	if !strings.Contains(diff, "-event_duplicate_url = [\"****\"]") {
		t.Fatalf("the changed line is not there, hidden:\n%s", diff)
	}
	if n := strings.Count(stderr, "does not apply as it stands"); n != 1 {
		t.Errorf("stderr says %d times that the diff does not apply, want once:\n%s", n, stderr)
	}
	if n := strings.Count(diff, "# apimlint: a changed line below holds a secret"); n != 1 {
		t.Errorf("%d comment lines before the diff, want 1 (before traffic-manager-2's):\n%s", n, diff)
	}
}

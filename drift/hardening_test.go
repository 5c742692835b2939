package drift

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
)

// TestBaselineHashesNeedTheKey: the baseline file alone confirms no
// guess of a password (issue 13, item 2). With version 1 the salt was in
// the file and sha256(salt‖"\x00"‖value) confirmed "Sup3rS3cretPw" at
// once; now every byte an attacker holds, tried as a salt or as an HMAC
// key, fails, and only the key that is not in the file detects a change.
func TestBaselineHashesNeedTheKey(t *testing.T) {
	const pw, newPw = "Sup3rS3cretPw", "N3wHotfixPw!"
	dir := newFleet(t)
	key := testKey(t)
	b, err := Record(load(t, dir), RecordOptions{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	file := buf.String()
	if strings.Contains(file, `"salt"`) || strings.Contains(file, string(key.secret)) {
		t.Fatalf("the baseline holds a salt or the key:\n%s", file)
	}
	var hash string
	for _, n := range b.Nodes {
		for _, k := range n.Keys {
			if k.Path == "super_admin.password" {
				hash = k.Hash
			}
		}
	}
	if !strings.HasPrefix(hash, "hmac-sha256:") || len(hash) != len("hmac-sha256:")+64 {
		t.Fatalf("password hash %q", hash)
	}
	// An attacker's best guesses from the file: the old scheme with every
	// string of the file as the salt, and an HMAC keyed by them.
	guess := `"` + pw + `"`
	for _, salt := range append(strings.FieldsFunc(file, func(r rune) bool { return r == '"' || r == ' ' || r == '\n' }), "") {
		if lint.HashSecret(salt, guess) == hash || (&Key{secret: []byte(salt)}).mac(guess) == hash {
			t.Fatalf("the password is confirmed from the file alone (salt %q)", salt)
		}
		h := sha256.Sum256([]byte(salt + guess))
		if strings.HasSuffix(hash, hex.EncodeToString(h[:])) {
			t.Fatal("the hash is a plain salted SHA-256")
		}
	}
	// With the key a change is detected; without it, or with another, it
	// is not, and the baseline says so.
	fleettest.WriteFiles(t, dir, map[string]string{"cp-1/deployment.toml": strings.Replace(cpTOML, pw, newPw, 1)})
	for _, c := range []struct {
		name    string
		key     *Key
		changes int
		warn    string
	}{
		{"right key", key, 2, ""},
		{"no key", nil, 0, "cannot be detected"},
		{"other key", mustKey(t, "another-key-0123456789"), 0, "not the one that recorded"},
	} {
		rb, err := Parse(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		rb.UseKey(c.key)
		if got := len(Changes(rb, load(t, dir), Options{})); got != c.changes {
			t.Errorf("%s: %d changes, want %d", c.name, got, c.changes)
		}
		if w := strings.Join(rb.Warnings, "; "); c.warn == "" && w != "" || !strings.Contains(w, c.warn) {
			t.Errorf("%s: warnings %q, want %q", c.name, w, c.warn)
		}
	}
}

func mustKey(t *testing.T, s string) *Key {
	t.Helper()
	k, err := NewKey([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestBaselineWithoutKeyKeepsPresence: without a key a secret is recorded
// as set, or by its placeholder; a change of form is still drift, a change
// of value cannot be seen and the baseline says so.
func TestBaselineWithoutKeyKeepsPresence(t *testing.T) {
	dir := newFleet(t)
	b, err := Record(load(t, dir), RecordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Secrets != SecretsPresence || len(b.Warnings) == 0 || !strings.Contains(b.Warnings[0], "cannot be detected") {
		t.Fatalf("secrets %q, warnings %q", b.Secrets, b.Warnings)
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Sup3rS3cretPw") || strings.Contains(buf.String(), `"hash"`) ||
		!strings.Contains(buf.String(), `"path":"super_admin.password","kind":"string","secret":"set"`) {
		t.Fatalf("baseline:\n%s", buf.String())
	}
	rb, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	fleettest.WriteFiles(t, dir, map[string]string{"cp-1/deployment.toml": strings.Replace(cpTOML, `"Sup3rS3cretPw"`, `"$secret{admin_pw}"`, 1) + "\n[secrets]\nadmin_pw = \"[enc]\"\n"})
	var found bool
	for _, c := range Changes(rb, load(t, dir), Options{}) {
		if c.Key == "super_admin.password" {
			found = true
			if f := c.Finding(); !strings.Contains(f.Message, "the secret differs") || strings.Contains(f.Message, "Sup3r") {
				t.Errorf("message %q", f.Message)
			}
		}
	}
	if !found {
		t.Error("a password replaced by $secret{} is not drift")
	}
}

// TestOldBaselineLoadsWithWarning: a version 1 baseline still works and
// says why it should be recorded again.
func TestOldBaselineLoadsWithWarning(t *testing.T) {
	dir := newFleet(t)
	f := load(t, dir)
	var pwJSON string
	for _, k := range f.Node("cp-1").Keys {
		if k.Path == "super_admin.password" {
			pwJSON = string(canon(k.Value))
		}
	}
	old := `{"version": 1, "salt": "abc", "nodes": [{"name": "cp-1", "file": "cp-1/deployment.toml", "role": "control-plane", "keys": [
		{"path":"super_admin.password","kind":"string","hash":"` + lint.HashSecret("abc", pwJSON) + `"}]}]}`
	b, err := Parse([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Warnings) != 1 || !strings.Contains(b.Warnings[0], "old format") {
		t.Fatalf("warnings %q", b.Warnings)
	}
	for _, c := range Changes(b, f, Options{}) {
		if c.Key == "super_admin.password" {
			t.Fatalf("an unchanged password is drift: %+v", c)
		}
	}
}

// TestWriteFileKeepsModeFollowsLinksCleansTemps: re-recording keeps a
// 0600 baseline 0600, writes through a symlink instead of replacing it,
// and removes the temporary file a killed run left (issue 13, item 2).
func TestWriteFileKeepsModeFollowsLinksCleansTemps(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "store", "baseline.json")
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	b := &Baseline{Version: Version, Secrets: SecretsPresence, Nodes: []NodeRecord{}}
	if err := WriteFile(real, b); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(real, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "baseline.json")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(filepath.Dir(real), ".baseline.json.apimlint-123.tmp")
	if err := os.WriteFile(stale, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(filepath.Dir(real), ".baseline.json.apimlint-456.tmp") // a run writing now
	if err := os.WriteFile(fresh, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, b); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v %v", st.Mode(), err)
	}
	if st, err := os.Stat(real); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode after re-recording: %v %v", st.Mode(), err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a fresh temporary file was removed: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left beside the link", e.Name())
		}
	}
}

// TestLoadKey: the environment wins; otherwise the key file, made on
// first use with mode 0600 and read back the same afterwards.
func TestLoadKey(t *testing.T) {
	file := filepath.Join(t.TempDir(), "apimlint", "baseline.key")
	noEnv := func(string) string { return "" }
	if k, err := LoadKey(noEnv, file, false); k != nil || err != nil {
		t.Fatalf("no key, no create: %v %v", k, err)
	}
	k1, err := LoadKey(noEnv, file, true)
	if err != nil || k1 == nil || !k1.Created {
		t.Fatalf("create: %+v %v", k1, err)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", st.Mode(), err)
	}
	k2, err := LoadKey(noEnv, file, true)
	if err != nil || k2.Created || k2.ID() != k1.ID() {
		t.Fatalf("second load: %+v %v", k2, err)
	}
	env := func(string) string { return "from-the-ci-secret-store" }
	k3, err := LoadKey(env, file, true)
	if err != nil || k3.Source != "$"+KeyEnv || k3.ID() == k1.ID() {
		t.Fatalf("env key: %+v %v", k3, err)
	}
	if _, err := LoadKey(func(string) string { return "short" }, file, true); err == nil {
		t.Fatal("a 5-character key was accepted")
	}
}

// TestParseUsageEdges: a BOM is accepted; errors name JSON types, not Go
// types; a huge "version" is not echoed whole (issue 13, item 13).
func TestParseUsageEdges(t *testing.T) {
	if _, err := Parse(append([]byte("\xef\xbb\xbf"), validBaseline...)); err != nil {
		t.Errorf("a baseline with a BOM: %v", err)
	}
	for _, data := range []string{`[]`, `{"version":2,"secrets":"presence","nodes":{}}`, `{"version":2,"secrets":"presence","nodes":[{"name":1}]}`, `"x"`} {
		_, err := Parse([]byte(data))
		if err == nil || strings.Contains(err.Error(), "drift.") || strings.Contains(err.Error(), "[]") || strings.Contains(err.Error(), "json.") {
			t.Errorf("Parse(%s): %v", data, err)
		}
	}
	huge := `{"version": "` + strings.Repeat("9", 1<<20) + `", "nodes": []}`
	if _, err := Parse([]byte(huge)); err == nil || len(err.Error()) > 200 {
		t.Errorf("a 1 MB version gives an error of %d bytes", len(err.Error()))
	}
}

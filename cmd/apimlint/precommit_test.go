package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const hooksFile = "../../.pre-commit-hooks.yaml"

// readHook reads the single hook of .pre-commit-hooks.yaml. The file is a
// flat list of one mapping; reading it by hand spares a YAML dependency.
// readHooks reads the hooks of .pre-commit-hooks.yaml by id (a list of
// flat mappings: all this file needs).
func readHooks(t *testing.T) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(hooksFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hooks := map[string]map[string]string{}
	var hook map[string]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "#") || strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(line, "- ") {
			hook = map[string]string{}
			line = "  " + line[2:]
		}
		if hook == nil {
			t.Fatalf("%s: %q before the first hook", hooksFile, line)
		}
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			t.Fatalf("%s: cannot read %q", hooksFile, line)
		}
		hook[k] = strings.TrimSpace(v)
		if k == "id" {
			hooks[hook[k]] = hook
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return hooks
}

func readHook(t *testing.T) map[string]string {
	t.Helper()
	h, ok := readHooks(t)["apimlint"]
	if !ok {
		t.Fatalf("%s has no hook apimlint", hooksFile)
	}
	return h
}

// TestPreCommitFixHook: the apimlint-fix hook applies the fixes to the
// fleet (pre-commit then shows the diff and fails the commit until the
// changes are staged).
func TestPreCommitFixHook(t *testing.T) {
	h, ok := readHooks(t)["apimlint-fix"]
	if !ok {
		t.Fatalf("%s has no hook apimlint-fix", hooksFile)
	}
	if h["pass_filenames"] != "false" || h["files"] != readHook(t)["files"] {
		t.Errorf("apimlint-fix: pass_filenames %q, files %q", h["pass_filenames"], h["files"])
	}
	argv := hookCommand(t, h)
	repo := userRepo(t, "seed-ha")
	t.Chdir(repo)
	_, stderr, _ := apimlint(t, argv[1:]...)
	if !strings.Contains(stderr, "apimlint: fixed ") || strings.Contains(stderr, "fixed 0 findings") {
		t.Errorf("the fix hook says: %s", stderr)
	}
	if diff, _, code := apimlint(t, "lint", "--diff", "."); code != exitOK || diff != "" {
		t.Errorf("fixes remain after the hook:\n%s", diff)
	}
}

func TestPreCommitHookDefinition(t *testing.T) {
	h := readHook(t)
	for k, want := range map[string]string{"id": "apimlint", "language": "golang", "pass_filenames": "false"} {
		if h[k] != want {
			t.Errorf("%s = %q, want %q", k, h[k], want)
		}
	}
	files := regexp.MustCompile(h["files"])
	for p, want := range map[string]bool{
		"deployment.toml": true, "deploy/prod/gw-1/deployment.toml": true, "gw/repository/conf/deployment.toml": true,
		".apimlint.toml": true, "deploy/.apimlint.toml": true,
		"deployment.toml.bak": false, "mydeployment.toml": false, "README.md": false, "deployment.toml.j2": false,
	} {
		if files.MatchString(p) != want {
			t.Errorf("files pattern %q on %s: %v, want %v", h["files"], p, !want, want)
		}
	}
}

// hookCommand is the command pre-commit runs: the entry split on spaces,
// then the args; no file names since pass_filenames is false.
func hookCommand(t *testing.T, h map[string]string) []string {
	t.Helper()
	cmd := strings.Fields(h["entry"])
	var args []string
	if a := h["args"]; a != "" {
		if err := json.Unmarshal([]byte(a), &args); err != nil {
			t.Fatalf("args %s: %v", a, err)
		}
	}
	return append(cmd, args...)
}

// userRepo makes a repository holding a fleet at its root, the way a user
// keeps one.
func userRepo(t *testing.T, fleet string) string {
	t.Helper()
	src := copyFleet(t, repoTestdata+"/"+fleet)
	return src
}

// TestPreCommitEntry runs the hook's entry the way pre-commit runs it:
// the installed binary, from the repository root, with the hook's args
// and no file names.
func TestPreCommitEntry(t *testing.T) {
	h := readHook(t)
	argv := hookCommand(t, h)
	if argv[0] != "apimlint" {
		t.Fatalf("entry runs %q; `go install ./...` installs apimlint", argv[0])
	}
	bin := filepath.Join(t.TempDir(), "apimlint")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, c := range []struct {
		fleet string
		code  int
	}{{"seed-ha", 1}, {"clean-ha", 0}} {
		cmd := exec.Command(bin, argv[1:]...)
		cmd.Dir = userRepo(t, c.fleet)
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != c.code {
			t.Errorf("%s: hook exit %d, want %d:\n%s", c.fleet, code, c.code, out)
		}
		if !strings.Contains(string(out), "in 6 nodes") {
			t.Errorf("%s: the hook did not lint the whole fleet:\n%s", c.fleet, out)
		}
	}
}

// TestPreCommitTryRepo runs the real pre-commit (Debian's package) on a
// user repository against a copy of this repository: pre-commit builds the
// hook with `go install ./...` and runs it. It needs pre-commit and git,
// and takes a while, so -short skips it.
func TestPreCommitTryRepo(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	preCommit, err := exec.LookPath("pre-commit")
	if err != nil {
		t.Skip("pre-commit is not installed (apt-get install pre-commit)")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	gomodcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	git := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	// The hook repository: this module's sources as they are now,
	// committed in a scratch repository (this one is left untouched).
	hookRepo := filepath.Join(tmp, "apimlint")
	copySources(t, "../..", hookRepo)
	git(hookRepo, "init", "-q")
	git(hookRepo, "add", "-A")
	git(hookRepo, "commit", "-q", "-m", "hook")

	// pre-commit builds in a GOPATH of its own; the module cache and no
	// proxy keep the build offline.
	env := append(os.Environ(), "PRE_COMMIT_HOME="+filepath.Join(tmp, "cache"), "GOMODCACHE="+strings.TrimSpace(string(gomodcache)),
		"GOPROXY=off", "GOFLAGS=-mod=readonly -buildvcs=false", "NO_COLOR=1")
	for _, c := range []struct {
		fleet string
		fail  bool
	}{{"seed-ha", true}, {"clean-ha", false}} {
		repo := userRepo(t, c.fleet)
		git(repo, "init", "-q")
		git(repo, "add", "-A")
		git(repo, "commit", "-q", "-m", "fleet")
		cmd := exec.Command(preCommit, "try-repo", hookRepo, "apimlint", "--all-files")
		cmd.Dir = repo
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		failed := err != nil
		if failed != c.fail {
			t.Errorf("%s: pre-commit failed=%v, want %v:\n%s", c.fleet, failed, c.fail, out)
		}
		if !strings.Contains(string(out), "in 6 nodes") && c.fail {
			t.Errorf("%s: no apimlint output:\n%s", c.fleet, out)
		}
		if !c.fail && !strings.Contains(string(out), "Passed") {
			t.Errorf("%s: hook did not pass:\n%s", c.fleet, out)
		}
	}
}

// copySources copies the module's Go sources, go.mod, go.sum and the
// hooks file; build outputs, VCS data and test data are left behind.
func copySources(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		keep := strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") || rel == "go.mod" || rel == "go.sum" ||
			rel == ".pre-commit-hooks.yaml" || strings.HasSuffix(p, ".cue") || strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".json.gz") || strings.HasSuffix(p, ".tsv")
		if !keep {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const estateDir = repoTestdata + "/estate"

// TestGoldenEstate lints testdata/estate (three environments: envs/prod
// listed from the root config, staging/ with its own config, dev/
// discovered) in every format and compares with testdata/golden/estate.*
// (go test ./cmd/apimlint -run TestGoldenEstate -update rewrites them).
func TestGoldenEstate(t *testing.T) {
	for _, format := range []string{"text", "json", "sarif", "github", "junit", "checkstyle", "gitlab", "html"} {
		t.Run(format, func(t *testing.T) {
			out, stderr, code := apimlint(t, "--fail-on", "none", "--format", format, estateDir)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			out = strings.ReplaceAll(out, repoTestdata+"/", "")
			checkGolden(t, "estate."+format, out, "TestGoldenEstate")
		})
	}
}

// The estate's JSON contract: fleets, and a fleet on every finding and
// node; each fleet linted alone gives its own findings.
func TestEstateJSON(t *testing.T) {
	out, _, code := apimlint(t, "--format", "json", estateDir)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d (staging has errors)", code, exitFindings)
	}
	var doc struct {
		Version int `json:"version"`
		Fleets  []struct {
			Name  string `json:"name"`
			Root  string `json:"root"`
			Nodes int    `json:"nodes"`
		} `json:"fleets"`
		Nodes    []struct{ Name, Fleet string }                 `json:"nodes"`
		Findings []struct{ Rule, Fleet, File, Severity string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 {
		t.Errorf("version %d", doc.Version)
	}
	got := map[string]int{}
	for _, f := range doc.Fleets {
		got[f.Name] = f.Nodes
	}
	if diff := cmp.Diff(map[string]int{"prod": 6, "staging": 3, "dev": 2}, got); diff != "" {
		t.Errorf("fleets (-want +got):\n%s", diff)
	}
	for _, n := range doc.Nodes {
		if n.Fleet == "" {
			t.Errorf("node %s has no fleet", n.Name)
		}
	}
	dirs := map[string]string{"prod": "estate/envs/prod/", "staging": "estate/staging/", "dev": "estate/dev/"}
	plaintext := 0
	for _, f := range doc.Findings {
		if !strings.Contains(f.File, dirs[f.Fleet]) || dirs[f.Fleet] == "" {
			t.Errorf("finding %+v: fleet does not match its file", f)
		}
		// staging's own config re-grades plaintext-secret to info.
		if f.Fleet == "staging" && f.Rule == "plaintext-secret" {
			plaintext++
			if f.Severity != "info" {
				t.Errorf("staging's config not in force: %+v", f)
			}
		}
	}
	if plaintext == 0 {
		t.Error("no plaintext-secret finding in staging")
	}
}

// --fleet lints only the fleets named; the exit code follows them.
func TestEstateFleetFlag(t *testing.T) {
	out, stderr, code := apimlint(t, "--fleet", "prod", estateDir)
	if code != exitOK {
		t.Fatalf("prod alone is clean: exit %d\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "fleet prod:") || strings.Contains(out, "fleet staging") {
		t.Errorf("output:\n%s", out)
	}
	_, _, code = apimlint(t, "--fleet", "prod", "--fleet", "staging", estateDir)
	if code != exitFindings {
		t.Errorf("prod and staging: exit %d, want %d", code, exitFindings)
	}
	_, stderr, code = apimlint(t, "--fleet", "nope", estateDir)
	if code != exitUsage || !strings.Contains(stderr, "the fleets are: dev, prod, staging") {
		t.Errorf("unknown fleet: exit %d, %s", code, stderr)
	}
	_, stderr, _ = apimlint(t, "-v", "--fleet", "staging", estateDir)
	if !strings.Contains(stderr, "holds 3 fleets; linting 1") || !strings.Contains(stderr, "fleet staging: ") || !strings.Contains(stderr, "config: ") {
		t.Errorf("-v on an estate:\n%s", stderr)
	}
	// --diff works fleet by fleet (estate_adoption_test.go); this estate
	// has no fixable finding.
	out, stderr, code = apimlint(t, "--diff", estateDir)
	if code != exitOK || out != "" {
		t.Errorf("--diff on an estate: exit %d, want %d\n%s%s", code, exitOK, out, stderr)
	}
}

// apimlint nodes shows each node's fleet and why; a single fleet is shown
// as before.
func TestEstateNodes(t *testing.T) {
	out, _, code := apimlint(t, "nodes", estateDir)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"fleet dev: ", "(discovered: sub-folders of distinct roles", "fleet prod: ", "(listed: [[fleet]] path = \"envs/prod\"", "fleet staging: ", "(config: "} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	out, _, _ = apimlint(t, "nodes", "--format", "json", estateDir)
	var doc struct {
		Fleets []struct {
			Name, Why string
			Nodes     []struct{ Name string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Fleets) != 3 || doc.Fleets[1].Name != "prod" || len(doc.Fleets[1].Nodes) != 6 || !strings.HasPrefix(doc.Fleets[1].Why, "listed: ") {
		t.Errorf("nodes --format json: %+v", doc)
	}
	out, _, _ = apimlint(t, "nodes", repoTestdata+"/clean-ha")
	if strings.Contains(out, "fleet ") {
		t.Errorf("a single fleet grew fleet lines:\n%s", out)
	}
}

// apimlint init on an estate writes the split it found as [[fleet]]
// entries, and linting with them gives the same fleets.
func TestEstateInit(t *testing.T) {
	root := t.TempDir()
	for _, env := range []string{"staging", "prod"} {
		copyDir(t, repoTestdata+"/clean-ha", filepath.Join(root, env))
	}
	out, stderr, code := apimlint(t, "init", root)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "2 fleets") {
		t.Errorf("output: %s", out)
	}
	data, err := os.ReadFile(filepath.Join(root, ".apimlint.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[[fleet]]\npath = \"prod\"\n", "[[fleet]]\npath = \"staging\"\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("config lacks %q:\n%s", want, data)
		}
	}
	out, _, _ = apimlint(t, "nodes", root)
	if !strings.Contains(out, "fleet prod: ") || !strings.Contains(out, "(listed: ") {
		t.Errorf("pinned split not used:\n%s", out)
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// diff --fleets compares two fleets of the estate role by role, by name
// or by directory, in JSON too, and never prints a secret.
func TestDiffFleets(t *testing.T) {
	out, stderr, code := apimlint(t, "diff", "--fleets", "--estate", estateDir, "--format", "json", "staging", "prod")
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var d struct {
		A, B  string
		Roles []struct {
			Role           string
			NodesA, NodesB int
			Keys           []struct {
				Key    string
				Kind   string
				Secret bool
				A, B   []string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.A != "staging" || d.B != "prod" || len(d.Roles) != 3 {
		t.Fatalf("%+v", d)
	}
	for _, r := range d.Roles {
		for _, k := range r.Keys {
			if k.Secret && (k.A != nil || k.B != nil) {
				t.Errorf("secret %s carries values", k.Key)
			}
			if strings.HasSuffix(k.Key, "hostname") && k.Kind == "changed" {
				t.Errorf("host names are expected to differ: %+v", k)
			}
		}
	}
	// By directory, the same comparison.
	out2, _, _ := apimlint(t, "diff", "--fleets", "--format", "json", estateDir+"/staging", estateDir+"/envs/prod")
	if !strings.Contains(out2, `"role": "gateway"`) {
		t.Errorf("by directory:\n%s", out2)
	}
	_, _, code = apimlint(t, "diff", "--fleets", "--estate", estateDir, "staging", "nope")
	if code != exitUsage {
		t.Errorf("unknown fleet: exit %d", code)
	}
	// A mistyped directory is said to be one, not taken for a fleet name.
	_, stderr, code = apimlint(t, "diff", "--fleets", estateDir+"/staging", estateDir+"/no-such-dir")
	if code != exitUsage || !strings.Contains(stderr, "no-such-dir is not a directory") {
		t.Errorf("missing directory: exit %d: %s", code, stderr)
	}
}

// lint --changed PATH FILE... lints the whole fleets that own the files
// and nothing else (the apimlint-estate pre-commit hook).
func TestLintChanged(t *testing.T) {
	fleetsOf := func(args ...string) map[string]int {
		t.Helper()
		out, stderr, code := apimlint(t, append([]string{"lint", "--format", "json", "--fail-on", "none", "--changed", estateDir}, args...)...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if out == "" {
			return nil
		}
		var doc struct {
			Fleets []struct {
				Name  string
				Nodes int
			}
			Nodes []struct{ Fleet string }
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, f := range doc.Fleets {
			got[f.Name] = f.Nodes
		}
		if n := len(doc.Nodes); n != sum(got) {
			t.Errorf("%d nodes reported for fleets %v", n, got)
		}
		return got
	}
	cases := []struct {
		files []string
		want  map[string]int
	}{
		{[]string{estateDir + "/staging/cp/deployment.toml"}, map[string]int{"staging": 3}},
		{[]string{estateDir + "/envs/prod/apim-gw-2/deployment.toml", estateDir + "/dev/gateway/gw-1/deployment.toml"}, map[string]int{"prod": 6, "dev": 2}},
		{[]string{estateDir + "/staging/.apimlint.toml"}, map[string]int{"staging": 3}},
		{[]string{estateDir + "/.apimlint.toml"}, map[string]int{"prod": 6, "dev": 2}},
		{[]string{estateDir + "/gone/deployment.toml"}, nil},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, fleetsOf(c.files...)); diff != "" {
			t.Errorf("%v (-want +got):\n%s", c.files, diff)
		}
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// baseline records every fleet of an estate; drift reports per fleet,
// and a recorded fleet that is gone.
func TestEstateBaselineDrift(t *testing.T) {
	root := t.TempDir()
	copyDir(t, estateDir, root)
	file := filepath.Join(t.TempDir(), "baseline.json")
	if _, stderr, code := apimlint(t, "baseline", root, "-o", file); code != exitOK || !strings.Contains(stderr, "baseline of 3 fleets, 11 nodes") {
		t.Fatalf("baseline: exit %d, %s", code, stderr)
	}
	out, stderr, code := apimlint(t, "drift", "--baseline", file, root)
	if code != exitOK || !strings.Contains(out, "no findings in 11 nodes") {
		t.Fatalf("drift right after the baseline: exit %d\n%s%s", code, out, stderr)
	}
	cp := filepath.Join(root, "envs", "prod", "apim-cp-1", "deployment.toml")
	data, err := os.ReadFile(cp)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cp, []byte(strings.Replace(string(data), "/devportal", "/portal", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(root, "dev")); err != nil {
		t.Fatal(err)
	}
	out, _, code = apimlint(t, "drift", "--baseline", file, "--format", "json", root)
	if code != exitFindings {
		t.Fatalf("drift: exit %d\n%s", code, out)
	}
	var doc struct {
		Findings []struct{ Fleet, Key, Message string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range doc.Findings {
		got[f.Fleet] += f.Key + ";"
	}
	want := map[string]string{"prod": "apim.devportal.url;", "dev": ";"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("drift per fleet (-want +got):\n%s", diff)
	}
}

// Two HA pairs of all-in-ones side by side in one folder, each pair tied
// by its own database, are two fleets; init cannot pin them by path and
// says so instead of writing a wrong [[fleet]].
func TestEstateSharedFolder(t *testing.T) {
	root := t.TempDir()
	node := func(name, db string) {
		p := filepath.Join(root, name, "deployment.toml")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		src := "[server]\nhostname = \"" + name + ".example.com\"\n\n[database.apim_db]\nurl = \"jdbc:mysql://" + db + ".example.com:3306/apim_db\"\n"
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	node("aio-a1", "db-a")
	node("aio-a2", "db-a")
	node("aio-b1", "db-b")
	node("aio-b2", "db-b")
	out, _, _ := apimlint(t, "nodes", root)
	base := filepath.Base(root)
	for _, want := range []string{"fleet " + base + "#1: ", "fleet " + base + "#2: ", "share a database"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	// Only fleets sharing one folder: nothing can be pinned, and a config
	// of comments alone would make the tree one fleet.
	if _, stderr, code := apimlint(t, "init", root); code != exitUsage || !strings.Contains(stderr, "share folders") {
		t.Fatalf("init: exit %d %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, ".apimlint.toml")); err == nil {
		t.Error("init wrote a config")
	}
	// With a fleet of its own folder beside them, that one is pinned and
	// the shared ones are explained.
	copyDir(t, repoTestdata+"/clean-ha", filepath.Join(root, "prod"))
	if _, stderr, code := apimlint(t, "init", root); code != exitOK {
		t.Fatalf("init: exit %d %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(root, ".apimlint.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "[[fleet]]\npath = \"prod\"") || !strings.Contains(string(data), "shares the folder") {
		t.Errorf("init wrote:\n%s", data)
	}
}

// probe on an estate probes each fleet against its own nodes.
func TestEstateProbe(t *testing.T) {
	out, _, code := apimlint(t, "probe", "--list", estateDir)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"fleet dev: ", "fleet prod: ", "fleet staging: "} {
		if !strings.Contains(out, want) {
			t.Errorf("--list lacks %q", want)
		}
	}
	out, stderr, _ := apimlint(t, "probe", "--loopback", "--only", "localhost", "--timeout", "300ms", "--deadline", "5s", "--format", "json", estateDir)
	var doc struct {
		Fleets   []struct{ Name string }
		Findings []struct{ Fleet, File string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s%s", err, out, stderr)
	}
	if len(doc.Fleets) != 3 {
		t.Errorf("fleets %+v", doc.Fleets)
	}
	for _, f := range doc.Findings {
		if f.Fleet == "" {
			t.Errorf("probe finding without a fleet: %+v", f)
		}
	}
}

// TestEstateHTMLDrawsEachFleet: the html report of an estate draws each
// fleet with its links (an estate's result keeps its nodes without keys,
// so a picture of it alone has no edge), and every node a finding links
// to is an element of the page.
func TestEstateHTMLDrawsEachFleet(t *testing.T) {
	out, stderr, code := apimlint(t, "--fail-on", "none", "--format", "html", estateDir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `id="edge-f1-`) || !strings.Contains(out, `class="fleet" data-fleet=`) {
		t.Error("no per-fleet picture with edges in the estate's html report")
	}
	linked := 0
	for _, m := range regexp.MustCompile(`data-node="(f[0-9]+-[^"]+)"`).FindAllStringSubmatch(out, -1) {
		linked++
		if !strings.Contains(out, `id="node-`+m[1]+`"`) {
			t.Errorf("a finding links to node %s, which the picture does not hold", m[1])
		}
	}
	if linked == 0 {
		t.Error("no finding links to a node of the pictures")
	}
}

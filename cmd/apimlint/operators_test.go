package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// TestExplainEveryRule: every rule apimlint can report, including those
// of other commands, is explained with what it checks, an example and
// the fix.
func TestExplainEveryRule(t *testing.T) {
	all := append(append([]*lint.Rule{}, rules.All()...), extraRules...)
	all = append(all, drift.Rule)
	for _, r := range all {
		out, stderr, code := apimlint(t, "explain", r.ID)
		if code != exitOK {
			t.Errorf("explain %s: exit %d: %s", r.ID, code, stderr)
			continue
		}
		for _, want := range []string{r.ID, "What it checks and why:", "Example finding:", "How to fix:"} {
			if !strings.Contains(out, want) {
				t.Errorf("explain %s lacks %q:\n%s", r.ID, want, out)
			}
		}
	}
}

// copyFleet copies a test fleet to a temporary directory, so tests can add
// comments and configs to it.
func copyFleet(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestSeveralOutputs writes SARIF, JUnit and GitHub files in one run while
// text goes to stdout, and nothing but text reaches stdout.
func TestSeveralOutputs(t *testing.T) {
	dir := t.TempDir()
	sarif, junit, gh := filepath.Join(dir, "out.sarif"), filepath.Join(dir, "out.xml"), filepath.Join(dir, "gh.txt")
	out, stderr, code := apimlint(t, repoTestdata+"/seed-ha", "--format", "sarif="+sarif, "--format", "junit="+junit,
		"--format", "github="+gh, "--format", "text")
	if code != exitFindings {
		t.Fatalf("exit %d, want %d: %s", code, exitFindings, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.Contains(lines[len(lines)-1], " in 6 nodes") {
		t.Errorf("stdout does not end with the text summary: %q", lines[len(lines)-1])
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	data, err := os.ReadFile(sarif)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
		t.Errorf("SARIF file: err %v, version %q, runs %d", err, log.Version, len(log.Runs))
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if data, err = os.ReadFile(junit); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, &suites); err != nil || suites.Tests == 0 || suites.Failures == 0 {
		t.Errorf("JUnit file: err %v, %+v", err, suites)
	}
	if data, err = os.ReadFile(gh); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if !strings.HasPrefix(l, "::error file=") && !strings.HasPrefix(l, "::warning file=") && !strings.HasPrefix(l, "::notice file=") && !strings.HasPrefix(l, "::notice title=apimlint::") {
			t.Errorf("github output line is not a workflow command: %q", l)
		}
	}
}

// TestSARIFOnStdout: the whole of stdout is the SARIF document, even with
// no finding (an upload fails on anything else, or on a missing results).
func TestSARIFOnStdout(t *testing.T) {
	for _, fleet := range []string{"seed-ha", "clean-ha"} {
		out, stderr, code := apimlint(t, repoTestdata+"/"+fleet, "--format", "sarif", "--fail-on", "none")
		if code != exitOK || stderr != "" {
			t.Fatalf("%s: exit %d: %s", fleet, code, stderr)
		}
		var log struct {
			Runs []struct {
				Results *[]json.RawMessage `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(out), &log); err != nil {
			t.Fatalf("%s: stdout is not one JSON document: %v", fleet, err)
		}
		if len(log.Runs) != 1 || log.Runs[0].Results == nil {
			t.Errorf("%s: results array missing", fleet)
		}
	}
}

func TestConfigFileErrors(t *testing.T) {
	fleet := copyFleet(t, repoTestdata+"/clean-ha")
	fleettest.WriteFile(t, filepath.Join(fleet, lint.ConfigFileName), "[rules]\ndisabel = [\"gateway-id-unique\"]\n\n[[node]]\npath = \"gw-1\"\nrole = \"gatway\"\n")
	out, _, code := apimlint(t, fleet)
	if code != exitFindings {
		t.Errorf("exit %d, want %d", code, exitFindings)
	}
	for _, want := range []string{
		".apimlint.toml:2:1: error: unknown key rules.disabel in .apimlint.toml (apimlint-config)",
		".apimlint.toml:6:1: error: [[node]] \"gw-1\": unknown role \"gatway\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	fleettest.WriteFile(t, filepath.Join(fleet, lint.ConfigFileName), "[fleet\n")
	if out, _, _ = apimlint(t, fleet); !strings.Contains(out, ".apimlint.toml:1:") || !strings.Contains(out, "(apimlint-config)") {
		t.Errorf("invalid TOML in the config is not a positioned finding:\n%s", out)
	}
	_, stderr, code := apimlint(t, fleet, "--config", filepath.Join(fleet, "missing.toml"))
	if code != exitUsage || !strings.Contains(stderr, "missing.toml") {
		t.Errorf("--config with a missing file: exit %d, stderr %q", code, stderr)
	}
}

// TestSuppressionsEndToEnd makes the two gateways of a clean fleet share a
// gateway_id (reported on the second one, apim-gw-2), then hides the
// finding with an inline comment, and then with a config [[ignore]].
func TestSuppressionsEndToEnd(t *testing.T) {
	fleet := copyFleet(t, repoTestdata+"/clean-ha")
	gw2 := filepath.Join(fleet, "apim-gw-2", "deployment.toml")
	orig, err := os.ReadFile(gw2)
	if err != nil {
		t.Fatal(err)
	}
	shared := strings.Replace(string(orig), `gateway_id = "apim-gw-2"`, `gateway_id = "apim-gw-1"`, 1)
	if shared == string(orig) {
		t.Fatal("apim-gw-2 has no gateway_id to change")
	}
	fleettest.WriteFile(t, gw2, shared)
	if out, _, _ := apimlint(t, fleet, "--rule", "gateway-id-unique"); !strings.Contains(out, "apim-gw-2/deployment.toml:") || !strings.Contains(out, "(gateway-id-unique)") {
		t.Fatalf("the shared gateway_id is not reported on apim-gw-2:\n%s", out)
	}

	fleettest.WriteFile(t, gw2, "# apimlint:ignore-file toml-syntax -- nothing to hide here\n"+strings.Replace(shared, `gateway_id = "apim-gw-1"`,
		"# apimlint:ignore gateway-id-unique -- blue/green pair shares it until=2999-01-01\ngateway_id = \"apim-gw-1\"", 1))
	out, stderr, _ := apimlint(t, fleet)
	if stderr != "" {
		t.Fatalf("stderr: %s", stderr)
	}
	if strings.Contains(out, "(gateway-id-unique)") {
		t.Errorf("the suppressed gateway-id-unique finding is still reported:\n%s", out)
	}
	if !strings.Contains(out, "apim-gw-2/deployment.toml:1:1: warning: apimlint:ignore-file toml-syntax suppresses nothing") {
		t.Errorf("the unused ignore-file is not reported:\n%s", out)
	}
	if strings.Contains(out, "apimlint:ignore gateway-id-unique suppresses nothing") {
		t.Errorf("the used suppression is called unused:\n%s", out)
	}
	// With --rule, suppressions of rules that did not run are not unused.
	out, _, _ = apimlint(t, fleet, "--rule", "gateway-id-unique,unused-suppression")
	if strings.Contains(out, "suppresses nothing") || strings.Contains(out, "(gateway-id-unique)") {
		t.Errorf("with --rule: %s", out)
	}

	// The same with the fleet config instead of comments.
	fleettest.WriteFile(t, gw2, shared)
	fleettest.WriteFile(t, filepath.Join(fleet, lint.ConfigFileName), "[[ignore]]\nrule = \"gateway-id-unique\"\npath = \"apim-gw-2\"\n"+
		"key = \"apim.gateway_notification.gateway_id\"\nreason = \"blue/green\"\n\n[[ignore]]\nrule = \"gateway-id-unique\"\npath = \"apim-cp-*\"\nreason = \"stale\"\n")
	out, _, _ = apimlint(t, fleet, "--rule", "gateway-id-unique,unused-suppression")
	if strings.Contains(out, "(gateway-id-unique)") {
		t.Errorf("gateway-id-unique is still reported with a config ignore:\n%s", out)
	}
	if !strings.Contains(out, ".apimlint.toml:7:1: warning: [[ignore]] rule = \"gateway-id-unique\" suppresses nothing") {
		t.Errorf("the unused config ignore is not reported at its line:\n%s", out)
	}
}

func TestQuiet(t *testing.T) {
	// One rule that finds nothing on this fleet.
	out, _, code := apimlint(t, repoTestdata+"/clean-ha", "--quiet", "--rule", "gateway-id-unique")
	if code != exitOK || out != "" {
		t.Errorf("--quiet with no finding: exit %d, stdout %q", code, out)
	}
	if out, _, _ = apimlint(t, repoTestdata+"/clean-ha", "--rule", "gateway-id-unique"); !strings.Contains(out, "no findings") {
		t.Errorf("without --quiet: %q", out)
	}
	if out, _, _ = apimlint(t, repoTestdata+"/seed-ha", "--quiet"); !strings.Contains(out, "error") {
		t.Errorf("--quiet hides findings: %q", out)
	}
}

func TestColor(t *testing.T) {
	env := func(tty bool, noColor string) (*strings.Builder, *cliEnv) {
		var out strings.Builder
		return &out, &cliEnv{stdout: &out, stderr: &strings.Builder{}, isTTY: tty,
			getenv: func(k string) string {
				if k == "NO_COLOR" {
					return noColor
				}
				return ""
			}}
	}
	for _, c := range []struct {
		tty     bool
		noColor string
		args    []string
		want    bool
	}{
		{true, "", nil, true},
		{true, "1", nil, false},
		{false, "", nil, false},
		{true, "", []string{"--no-color"}, false},
		{false, "", []string{"--color", "always"}, true},
		{true, "1", []string{"--color=always"}, true},
		{true, "", []string{"--color", "never"}, false},
		{true, "", []string{"--color", "auto"}, true},
		{false, "", []string{"--color", "always", "--no-color"}, false},
	} {
		out, e := env(c.tty, c.noColor)
		run(e, append([]string{repoTestdata + "/seed-ha"}, c.args...))
		if got := strings.Contains(out.String(), "\x1b["); got != c.want {
			t.Errorf("tty=%v NO_COLOR=%q %v: colour %v, want %v", c.tty, c.noColor, c.args, got, c.want)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	out, _, code := apimlint(t, "--version")
	if code != exitOK || !strings.HasPrefix(out, "apimlint ") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
}

func TestInit(t *testing.T) {
	fleet := copyFleet(t, repoTestdata+"/seed-ha")
	out, stderr, code := apimlint(t, "init", fleet)
	if code != exitOK {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "6 nodes") {
		t.Errorf("init output: %q", out)
	}
	cfgPath := filepath.Join(fleet, lint.ConfigFileName)
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg, problems := lint.ParseConfig(cfgPath, data)
	if len(problems) != 0 {
		t.Fatalf("the starter config has problems: %+v\n%s", problems, data)
	}
	if len(cfg.Nodes) != 6 {
		t.Errorf("starter config declares %d nodes, want 6", len(cfg.Nodes))
	}
	roles := map[string]string{}
	for _, n := range cfg.Nodes {
		roles[n.Path] = n.Role
		if len(n.Addresses) == 0 {
			t.Errorf("node %s has no addresses", n.Path)
		}
	}
	if roles["gw-1"] != "gateway" || roles["apim-cp-1"] != "control-plane" || roles["traffic-manager-2"] != "traffic-manager" {
		t.Errorf("roles = %v", roles)
	}
	if !strings.Contains(string(data), "# inferred from content:") || !strings.Contains(string(data), "# [[ignore]]") {
		t.Errorf("the starter config lacks its comments:\n%s", data)
	}
	// Its one-line examples work once uncommented, where they stand.
	uncommented := string(data)
	for _, ex := range []string{"exclude = ", "disable = ", "plaintext-secret = "} {
		if !strings.Contains(uncommented, "\n# "+ex) {
			t.Fatalf("the starter config has no %q example:\n%s", ex, data)
		}
		uncommented = strings.Replace(uncommented, "\n# "+ex, "\n"+ex, 1)
	}
	if ex, problems := lint.ParseConfig(cfgPath, []byte(uncommented)); len(problems) != 0 || len(ex.Exclude) != 2 {
		t.Errorf("uncommented examples: %d excludes, problems %+v\n%s", len(ex.Exclude), problems, uncommented)
	}
	// The declared config changes nothing about the findings.
	withCfg, _, _ := apimlint(t, fleet, "--format", "json")
	if err := os.Remove(cfgPath); err != nil {
		t.Fatal(err)
	}
	without, _, _ := apimlint(t, fleet, "--format", "json")
	if countFindings(t, withCfg) != countFindings(t, without) {
		t.Errorf("the starter config changes the findings: %d with, %d without", countFindings(t, withCfg), countFindings(t, without))
	}

	fleettest.WriteFile(t, cfgPath, "# mine\n")
	if _, stderr, code = apimlint(t, "init", fleet); code != exitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("init over an existing config: exit %d, %q", code, stderr)
	}
	if data, _ := os.ReadFile(cfgPath); string(data) != "# mine\n" {
		t.Errorf("init overwrote the config without --force")
	}
	if _, stderr, code = apimlint(t, "init", "--force", fleet); code != exitOK {
		t.Errorf("init --force: exit %d, %q", code, stderr)
	}
	if data, _ := os.ReadFile(cfgPath); !strings.Contains(string(data), "[[node]]") {
		t.Errorf("init --force did not rewrite the config")
	}
	if _, _, code = apimlint(t, "init", filepath.Join(fleet, "gw-1", "deployment.toml")); code != exitUsage {
		t.Errorf("init on a file: exit %d", code)
	}
}

func countFindings(t *testing.T, out string) int {
	t.Helper()
	var r struct {
		Findings []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return len(r.Findings)
}

func TestTOMLQuote(t *testing.T) {
	in := "a\"b\\c\nd\x01é"
	q := lint.QuoteTOML(in)
	cfg, problems := lint.ParseConfig("x.toml", []byte("[[node]]\npath = "+q+"\n"))
	if len(problems) != 0 || len(cfg.Nodes) != 1 || cfg.Nodes[0].Path != in {
		t.Errorf("lint.QuoteTOML(%q) = %s does not read back: %+v", in, q, problems)
	}
}

func TestCompletion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		out, stderr, code := apimlint(t, "completion", sh)
		if code != exitOK {
			t.Errorf("completion %s: exit %d: %s", sh, code, stderr)
			continue
		}
		flag := "--fail-on"
		if sh == "fish" {
			flag = "-l fail-on"
		}
		for _, want := range []string{"sarif", "gateway-id-unique", flag, "explain", "init"} {
			if !strings.Contains(out, want) {
				t.Errorf("completion %s lacks %q", sh, want)
			}
		}
		if path, err := exec.LookPath(sh); err == nil {
			// A syntax check where the shell is installed.
			cmd := exec.Command(path, "-n")
			cmd.Stdin = strings.NewReader(out)
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", sh, err, msg)
			}
		}
	}
	if _, _, code := apimlint(t, "completion", "tcsh"); code != exitUsage {
		t.Errorf("completion tcsh: exit %d", code)
	}
}

// TestBashCompletionWorks sources the bash script and asks it to complete.
func TestBashCompletionWorks(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script, _, _ := apimlint(t, "completion", "bash")
	for _, c := range []struct{ line, want string }{
		{"apimlint --format sa", "sarif"},
		{"apimlint explain gateway-id-u", "gateway-id-unique"},
		{"apimlint comp", "completion"},
		{"apimlint --fail", "--fail-on"},
	} {
		words := strings.Fields(c.line)
		prog := script + "\nCOMP_WORDS=(" + c.line + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) + "\n_apimlint\necho \"${COMPREPLY[@]}\"\n"
		cmd := exec.Command(bash, "--norc", "--noprofile")
		cmd.Stdin = strings.NewReader(prog)
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		if got := strings.Fields(string(out)); len(got) == 0 || got[0] != c.want {
			t.Errorf("completing %q: %q, want %q", c.line, out, c.want)
		}
	}
}

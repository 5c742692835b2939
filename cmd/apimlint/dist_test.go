package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cuelang.org/go/cue/cuecontext"
	cueyaml "cuelang.org/go/encoding/yaml"
)

// readYAML decodes a YAML file of the repository (with CUE's YAML reader,
// already a dependency).
func readYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := cueyaml.Extract(path, data)
	if err != nil {
		t.Fatalf("%s is not valid YAML: %v", path, err)
	}
	v := cuecontext.New().BuildFile(f)
	var m map[string]any
	if err := v.Decode(&m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func strs(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// TestGoReleaserConfig checks what the issue asks of release builds:
// linux, darwin and windows on amd64 and arm64, static, with checksums
// and an SBOM. `goreleaser check` runs too where goreleaser is installed.
func TestGoReleaserConfig(t *testing.T) {
	m := readYAML(t, "../../.goreleaser.yaml")
	if fmt.Sprint(m["version"]) != "2" {
		t.Errorf("version = %v, want 2", m["version"])
	}
	builds, _ := m["builds"].([]any)
	if len(builds) != 1 {
		t.Fatalf("builds = %v", m["builds"])
	}
	b := builds[0].(map[string]any)
	if b["main"] != "./cmd/apimlint" || !slices.Contains(strs(b["env"]), "CGO_ENABLED=0") {
		t.Errorf("build %v: want main ./cmd/apimlint with CGO_ENABLED=0", b)
	}
	for _, os := range []string{"linux", "darwin", "windows"} {
		if !slices.Contains(strs(b["goos"]), os) {
			t.Errorf("goos lacks %s", os)
		}
	}
	for _, arch := range []string{"amd64", "arm64"} {
		if !slices.Contains(strs(b["goarch"]), arch) {
			t.Errorf("goarch lacks %s", arch)
		}
	}
	if ld := strings.Join(strs(b["ldflags"]), " "); !strings.Contains(ld, "-X main.releaseVersion=") {
		t.Errorf("ldflags %q do not set main.releaseVersion", ld)
	}
	if _, ok := m["checksum"]; !ok {
		t.Error("no checksum section")
	}
	if sboms, _ := m["sboms"].([]any); len(sboms) == 0 {
		t.Error("no sboms section")
	}
	if bin, err := exec.LookPath("goreleaser"); err == nil {
		cmd := exec.Command(bin, "check", "-f", ".goreleaser.yaml")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("goreleaser check: %v\n%s", err, out)
		}
	} else {
		t.Log("goreleaser not installed: goreleaser check skipped")
	}
}

// TestDockerfile: a Go build stage making a static binary, a distroless
// or scratch final stage, and a non-root user.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var froms []string
	user := ""
	static := false
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		switch strings.ToUpper(fields[0]) {
		case "FROM":
			froms = append(froms, fields[1])
		case "USER":
			user = fields[1]
		case "RUN":
			static = static || (strings.Contains(line, "CGO_ENABLED=0") && strings.Contains(line, "go build") && strings.Contains(line, "./cmd/apimlint"))
		}
	}
	if len(froms) < 2 || !strings.HasPrefix(froms[0], "golang:") {
		t.Errorf("stages %v: want a golang build stage first", froms)
	}
	if final := froms[len(froms)-1]; final != "scratch" && !strings.HasPrefix(final, "gcr.io/distroless/static") {
		t.Errorf("final stage %s is neither scratch nor distroless/static", final)
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "0" || name == "root" {
		t.Errorf("USER %q: the image must run as non-root", user)
	}
	if !static {
		t.Error("no RUN CGO_ENABLED=0 go build ./cmd/apimlint")
	}
	if want := "FROM golang:" + goVersion(t) + " "; !strings.Contains(string(data), want) {
		t.Errorf("Dockerfile does not build with the go.mod Go version (%q)", want)
	}
}

// goVersion is go.mod's Go version as an image tag (1.26).
func goVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(data)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	return string(m[1])
}

// TestAction: a composite action with the inputs the issue names, inputs
// that reach shell scripts only through the environment, and a SARIF
// upload only when asked.
func TestAction(t *testing.T) {
	m := readYAML(t, "../../action.yml")
	inputs, _ := m["inputs"].(map[string]any)
	for _, in := range []string{"path", "format", "fail-on", "upload-sarif"} {
		if _, ok := inputs[in]; !ok {
			t.Errorf("action.yml lacks input %s", in)
		}
	}
	runs, _ := m["runs"].(map[string]any)
	if runs["using"] != "composite" {
		t.Fatalf("runs.using = %v, want composite", runs["using"])
	}
	data, _ := os.ReadFile("../../action.yml")
	for _, ref := range regexp.MustCompile(`inputs\.([a-z-]+)`).FindAllStringSubmatch(string(data), -1) {
		if _, ok := inputs[ref[1]]; !ok {
			t.Errorf("action.yml uses undefined input %s", ref[1])
		}
	}
	uploads := 0
	for _, s := range runs["steps"].([]any) {
		step := s.(map[string]any)
		if script, ok := step["run"].(string); ok && strings.Contains(script, "${{") {
			t.Errorf("step %v pastes an expression into its script (injection): use env", step["name"])
		}
		if uses, _ := step["uses"].(string); strings.HasPrefix(uses, "github/codeql-action/upload-sarif@") {
			uploads++
			if cond, _ := step["if"].(string); !strings.Contains(cond, "inputs.upload-sarif == 'true'") {
				t.Errorf("SARIF upload runs unless asked: if %q", cond)
			}
		}
	}
	if uploads != 1 {
		t.Errorf("%d SARIF upload steps, want 1", uploads)
	}
}

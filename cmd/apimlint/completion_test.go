package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// completionCases are command lines being typed (the last word is the one
// completed) and what must and must not be offered.
var completionCases = []struct {
	line      string
	want, not []string
}{
	{"apimlint watch --li", []string{"--listen", "--listen-any"}, nil},
	{"apimlint probe --fr", []string{"--from"}, nil},
	{"apimlint diff --fl", []string{"--fleet"}, nil},
	{"apimlint init --fo", []string{"--force"}, []string{"--format"}},
	{"apimlint watch --format ''", []string{"text", "jsonl"}, []string{"sarif", "json"}},
	{"apimlint nodes --format ''", []string{"text", "json"}, []string{"sarif"}},
	{"apimlint rules --format m", []string{"markdown"}, nil},
	{"apimlint --format gi", []string{"github", "gitlab"}, nil},
	{"apimlint lint --format ch", []string{"checkstyle"}, nil},
	{"apimlint drift --format sa", []string{"sarif"}, nil},
	{"apimlint --color ''", []string{"auto", "always", "never"}, nil},
	{"apimlint --acc", []string{"--accept", "--accepted"}, nil},
	{"apimlint lint --new", []string{"--new-from-rev"}, nil},
	{"apimlint lint --verb", []string{"--verbose"}, nil},
	{"apimlint lint --rule gateway-id", []string{"gateway-id-unique"}, nil},
	{"apimlint lint --fail-on w", []string{"warning"}, nil},
	{"apimlint explain tls-", []string{"tls-expiry", "tls-untrusted"}, nil},
	{"apimlint completion f", []string{"fish"}, nil},
	{"apimlint schema ''", []string{"print"}, []string{"gateway"}},
	{"apimlint schema print gat", []string{"gateway"}, nil},
	{"apimlint probe --ins", []string{"--insecure-skip-verify"}, nil},
	{"apimlint baseline --con", []string{"--config"}, []string{"--fail-on"}},
	{"apimlint ve", []string{"version"}, nil},
}

// TestCompletionPerCommand drives the bash completion function (and the
// same function under zsh's bashcompinit) as the shells do, with
// COMP_WORDS and COMP_CWORD set.
func TestCompletionPerCommand(t *testing.T) {
	for _, sh := range []string{"bash", "zsh"} {
		t.Run(sh, func(t *testing.T) {
			bin, err := exec.LookPath(sh)
			if err != nil {
				t.Skipf("%s is not installed: its completion is not driven", sh)
			}
			script, _, _ := apimlint(t, "completion", sh)
			for _, c := range completionCases {
				words := strings.Fields(c.line)
				prog := script + "\nCOMP_WORDS=(" + c.line + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) + "\n_apimlint\nprint_reply\n"
				var cmd *exec.Cmd
				if sh == "bash" {
					prog = "print_reply() { printf '%s\\n' \"${COMPREPLY[@]}\"; }\n" + prog
					cmd = exec.Command(bin, "--norc", "--noprofile")
				} else {
					// bashcompinit calls the function with ksharrays set:
					// arrays are 0-based, as in bash.
					prog = "print_reply() { printf '%s\\n' \"${COMPREPLY[@]}\"; }\n" + strings.Replace(prog, "\nCOMP_WORDS=", "\nsetopt ksharrays\nCOMP_WORDS=", 1)
					cmd = exec.Command(bin, "-f")
				}
				cmd.Stdin = strings.NewReader(prog)
				cmd.Dir = t.TempDir()
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%s: %v\n%s", c.line, err, out)
				}
				checkOffered(t, c.line, strings.Fields(string(out)), c.want, c.not)
			}
		})
	}
}

// TestFishCompletion asks fish itself what it would complete.
func TestFishCompletion(t *testing.T) {
	fish, err := exec.LookPath("fish")
	if err != nil {
		t.Skip("fish is not installed: its completion is not driven")
	}
	script, _, _ := apimlint(t, "completion", "fish")
	file := filepath.Join(t.TempDir(), "apimlint.fish")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range completionCases {
		line := strings.ReplaceAll(c.line, "''", "")
		if strings.HasSuffix(c.line, "''") {
			line = strings.TrimSuffix(c.line, "''")
		}
		cmd := exec.Command(fish, "--no-config", "-c", "source "+file+"; complete -C"+fishQuote(line))
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.line, err, out)
		}
		var offered []string
		for _, l := range strings.Split(string(out), "\n") {
			if w, _, _ := strings.Cut(l, "\t"); w != "" {
				offered = append(offered, w)
			}
		}
		checkOffered(t, c.line, offered, c.want, c.not)
	}
}

func checkOffered(t *testing.T, line string, offered, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(offered, w) {
			t.Errorf("%q: %s not offered (got %v)", line, w, offered)
		}
	}
	for _, w := range not {
		if slices.Contains(offered, w) {
			t.Errorf("%q: %s offered, but the command does not take it (got %v)", line, w, offered)
		}
	}
}

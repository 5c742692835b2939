package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/apimlint/apimlint/lint"
)

const readmePath = "../../README.md"

// readmeBlock is one fenced code block of the README.
type readmeBlock struct {
	lang, text string
	line       int
}

func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	var out []readmeBlock
	var cur *readmeBlock
	for i, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if !strings.HasPrefix(trimmed, "```") {
			if cur != nil {
				cur.text += strings.TrimPrefix(line, "  ") + "\n"
			}
			continue
		}
		if cur == nil {
			cur = &readmeBlock{lang: strings.TrimPrefix(trimmed, "```"), line: i + 1}
			continue
		}
		out = append(out, *cur)
		cur = nil
	}
	return out
}

// configTables are the tables of .apimlint.toml: a TOML block that
// starts with one of them (or with exclude) is a fleet config example.
var configTables = regexp.MustCompile(`(?m)\A(#[^\n]*\n|\s*\n)*(exclude\s*=|\[(fleet|rules|lint|drift|schema)\]|\[\[(node|loadbalancer|ignore)\]\])`)

// TestREADMETOMLBlocks: every TOML example parses, and the fleet config
// examples load with lint.ParseConfig without a single finding.
func TestREADMETOMLBlocks(t *testing.T) {
	configs := 0
	for _, b := range readmeBlocks(t) {
		if b.lang != "toml" {
			continue
		}
		var v map[string]any
		if err := toml.Unmarshal([]byte(b.text), &v); err != nil {
			t.Errorf("README.md:%d: TOML block does not parse: %v", b.line, err)
			continue
		}
		if !configTables.MatchString(b.text) {
			continue
		}
		configs++
		if _, problems := lint.ParseConfig(".apimlint.toml", []byte(b.text)); len(problems) > 0 {
			t.Errorf("README.md:%d: the .apimlint.toml example has problems: %+v", b.line, problems)
		}
	}
	if configs < 3 {
		t.Errorf("found %d .apimlint.toml examples, want the fleet config ones and [lint]", configs)
	}
}

// shellWords splits a README command line: quotes, no expansion, and a
// # comment ends it.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	quote := byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == '#' && !inWord:
			i = len(line)
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// readmeInvocations are the apimlint command lines of the README's shell
// blocks (apimlint ... or go run ./cmd/apimlint ...), as argument lists.
func readmeInvocations(t *testing.T) [][]string {
	t.Helper()
	var out [][]string
	for _, b := range readmeBlocks(t) {
		if b.lang != "sh" && b.lang != "bash" {
			continue
		}
		for _, line := range strings.Split(b.text, "\n") {
			w := shellWords(strings.TrimSpace(line))
			// Only apimlint's own words: a pipe or redirection ends them.
			for i, word := range w {
				if word == "|" || word == "&&" || word == ";" || strings.HasPrefix(word, ">") {
					w = w[:i]
					break
				}
			}
			switch {
			case len(w) > 0 && w[0] == "apimlint":
				out = append(out, w[1:])
			case len(w) > 2 && w[0] == "go" && w[1] == "run" && w[2] == "./cmd/apimlint":
				out = append(out, w[3:])
			}
		}
	}
	return out
}

// commandFlagSet returns the flag set a command parses its arguments with.
func commandFlagSet(t *testing.T, name string) *flag.FlagSet {
	t.Helper()
	var sets []*flag.FlagSet
	env := &cliEnv{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" },
		onFlagSet: func(fs *flag.FlagSet) { sets = append(sets, fs) }}
	args := []string{"-h"}
	if name == "schema" {
		args = []string{"print", "-h"}
	}
	commands[name].run(env, args)
	if len(sets) == 0 {
		return nil
	}
	return sets[0]
}

// TestREADMECommands: every apimlint command line of the README names a
// command and flags that exist, with values the command accepts; lint
// command lines whose paths are sample fleets run, in a scratch copy, to
// exit 0 or 1, never 2.
func TestREADMECommands(t *testing.T) {
	invocations := readmeInvocations(t)
	if len(invocations) < 10 {
		t.Fatalf("found %d apimlint command lines in the README", len(invocations))
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	scratch := t.TempDir()
	if err := os.CopyFS(filepath.Join(scratch, "testdata"), os.DirFS(filepath.Join(repo, "testdata"))); err != nil {
		t.Fatal(err)
	}
	t.Chdir(scratch)
	ran := 0
	for _, args := range invocations {
		name, rest := "lint", args
		if len(args) > 0 {
			if _, ok := commands[args[0]]; ok {
				name, rest = args[0], args[1:]
			}
		}
		if name == "schema" && len(rest) > 0 {
			rest = rest[1:] // print
		}
		fs := commandFlagSet(t, name)
		if fs == nil {
			continue
		}
		fs.SetOutput(io.Discard)
		pos, err := parseInterspersed(fs, rest)
		if err != nil {
			t.Errorf("README: apimlint %s: %v", strings.Join(args, " "), err)
			continue
		}
		if name != "lint" || fs.Lookup("new-from-rev").Value.String() != "" || len(pos) == 0 {
			continue
		}
		runnable := true
		for _, p := range pos {
			if _, err := os.Stat(p); err != nil {
				runnable = false
			}
		}
		if !runnable {
			continue
		}
		_, stderr, code := apimlint(t, args...)
		if code == exitUsage {
			t.Errorf("README: apimlint %s: exit 2: %s", strings.Join(args, " "), stderr)
		}
		ran++
	}
	if ran < 4 {
		t.Errorf("ran %d README lint command lines, want the sample-fleet ones", ran)
	}
}

// TestREADMEFuzzCommands: a fuzz command without -fuzztime never ends.
func TestREADMEFuzzCommands(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	fuzz := regexp.MustCompile("go test [^`\n]*-fuzz [^`\n]*")
	found := fuzz.FindAllString(string(data), -1)
	if len(found) == 0 {
		t.Fatal("the README shows no fuzz command")
	}
	for _, cmd := range found {
		if !strings.Contains(cmd, "-fuzztime") {
			t.Errorf("README: %q has no -fuzztime and never ends", cmd)
		}
	}
}

func TestShellWords(t *testing.T) {
	got := strings.Join(shellWords(`apimlint --rule-docs-url 'https://x/{id}' "a b" c # comment`), "|")
	if got != "apimlint|--rule-docs-url|https://x/{id}|a b|c" {
		t.Errorf("shellWords = %s", got)
	}
}

// TestREADMERuleAnchors: every rule's documentation URL (SARIF helpUri,
// rules --format json) lands on an anchor of the README, drift and probe
// rules included.
func TestREADMERuleAnchors(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range extraRules {
		_, anchor, _ := strings.Cut(lint.RuleDocURL(r.ID), "#")
		if !strings.Contains(string(data), `<a id="`+anchor+`"></a>`) {
			t.Errorf("README has no anchor %s for rule %s", anchor, r.ID)
		}
	}
}

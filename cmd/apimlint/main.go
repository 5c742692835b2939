// Command apimlint lints the deployment.toml files of a distributed WSO2 API
// Manager deployment and detects drift between them.
//
// Usage:
//
//	apimlint [lint] [flags] PATH...
//	apimlint rules | nodes PATH | explain RULE | version
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/internal/editdist"
	"github.com/apimlint/apimlint/lint/report"
)

// Exit codes (exitInternal, 3, is in guard.go).
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// command is one subcommand of the CLI.
type command struct {
	name    string
	usage   string // one line: arguments
	summary string
	run     func(env *cliEnv, args []string) int
}

var commands = map[string]*command{}

func addCommand(c *command) { commands[c.name] = c }

// cliEnv is what a command may touch, so tests run it in-process.
type cliEnv struct {
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	isTTY  bool
	// onFlagSet, when set, sees every flag set a command makes: the
	// completion scripts learn each command's flags from it.
	onFlagSet func(*flag.FlagSet)
}

func main() {
	env := &cliEnv{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, isTTY: isTerminal(os.Stdout)}
	guardMemory(env)
	tuneGC(os.Args[1:])
	stop := startProfiles(env)
	code := runGuarded(env, os.Args[1:])
	stop()
	os.Exit(code)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func run(env *cliEnv, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help", "help":
			printUsage(env.stdout)
			return exitOK
		case "--version", "-version":
			return commands["version"].run(env, nil)
		}
		if c, ok := commands[args[0]]; ok {
			return c.run(env, args[1:])
		}
		if near := nearCommand(args[0]); near != "" {
			if _, err := os.Stat(args[0]); err != nil {
				return usageError(env, "unknown command %q: did you mean %q? ('apimlint help' lists the commands)", args[0], near)
			}
		}
	}
	return commands["lint"].run(env, args)
}

// nearCommand returns the command that a misspelt word was meant to be
// (lnit, baselnie), or "": a word within two edits of a command name is
// taken for it only when no file or directory of that name exists.
func nearCommand(word string) string {
	if strings.HasPrefix(word, "-") || strings.ContainsAny(word, `/\.`) || len(word) < 3 {
		return ""
	}
	word = strings.ToLower(word)
	// The nearest name; on a tie the one that starts like the word (lnit:
	// lint, not init), then the first in order.
	type candidate struct {
		name  string
		d     int
		other bool // starts with another letter
	}
	best := candidate{d: 3, other: true}
	for name := range commands {
		c := candidate{name, editdist.Distance(word, name), name[0] != word[0]}
		if c.d < best.d || c.d == best.d && (!c.other && best.other || c.other == best.other && c.name < best.name) {
			best = c
		}
	}
	bestD := best.d
	if bestD > 2 || bestD >= len(word)-1 {
		return ""
	}
	return best.name
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "apimlint lints the deployment.toml files of a WSO2 API Manager fleet.")
	fmt.Fprintln(w, "\nUsage:\n  apimlint [lint] [flags] PATH...   (lint is the default command)")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "\nCommands:")
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  %s %s\n      %s\n", c.name, c.usage, c.summary)
	}
	fmt.Fprintln(w, "\nExit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage error or unreadable input,")
	fmt.Fprintln(w, "3 internal error (a bug, or memory exhausted; APIMLINT_MAX_MEMORY sets the limit).")
	fmt.Fprintln(w, "Run 'apimlint COMMAND -h' for a command's flags.")
}

// newFlagSet makes a flag set whose errors go to stderr and never exit.
func newFlagSet(env *cliEnv, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "Usage: apimlint %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	if env.onFlagSet != nil {
		env.onFlagSet(fs)
	}
	return fs
}

// parseInterspersed parses flags that may come before or after the
// positional arguments (apimlint ./configs --format json).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// usageError prints a usage problem and returns exit code 2. Control
// characters (a path holding an escape sequence) are escaped.
func usageError(env *cliEnv, format string, args ...any) int {
	fmt.Fprintf(env.stderr, "apimlint: %s\n", report.TerminalSafe(fmt.Sprintf(format, args...)))
	return exitUsage
}

// flagError turns a flag parse error into an exit code (help is not an error).
func flagError(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func moduleVersion() string {
	if releaseVersion != "" {
		return releaseVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "devel-" + s.Value[:12]
			}
		}
	}
	return "devel"
}

func init() {
	addCommand(&command{name: "version", usage: "", summary: "print the version",
		run: func(env *cliEnv, args []string) int {
			fs := newFlagSet(env, "version", "")
			rest, err := parseInterspersed(fs, args)
			if err != nil {
				return flagError(err)
			}
			if len(rest) > 0 {
				return usageError(env, "version takes no arguments (got %d)", len(rest))
			}
			fmt.Fprintf(env.stdout, "apimlint %s\n", moduleVersion())
			return exitOK
		}})
}

package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/lint/report"
)

// outputFlags tune how findings are written for CI systems and terminals;
// every command that reports findings takes them.
type outputFlags struct {
	color       string
	ruleDocsURL string
	pathPrefix  string
	maxFindings int
}

// colorModes are the values of --color.
var colorModes = []string{"auto", "always", "never"}

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.color, "color", "auto", "colour text output: auto (on a terminal, unless NO_COLOR is set), always or never")
	fs.StringVar(&o.ruleDocsURL, "rule-docs-url", "", "`TEMPLATE` of rule documentation URLs in SARIF helpUri, {id} for the rule (default "+lint.DefaultRuleDocsTemplate+")")
	fs.StringVar(&o.pathPrefix, "path-prefix", "", "write file paths in CI formats as `PREFIX`/path-from-here instead of relative to the git repository root")
	fs.IntVar(&o.maxFindings, "max-findings", 0, "at most `N` findings in sarif, github, gitlab and checkstyle output, the most severe first (0: all)")
}

func (o *outputFlags) check() error {
	if !containsString(colorModes, o.color) {
		return fmt.Errorf("--color: %q is not one of %s", o.color, strings.Join(colorModes, ", "))
	}
	if o.ruleDocsURL != "" {
		if err := lint.CheckRuleDocsTemplate(o.ruleDocsURL); err != nil {
			return fmt.Errorf("--rule-docs-url: %w", err)
		}
	}
	if o.maxFindings < 0 {
		return fmt.Errorf("--max-findings: %d is negative", o.maxFindings)
	}
	return nil
}

// options are the report options for one output; stdout says whether it
// goes to the terminal rather than to a file.
func (o *outputFlags) options(env *cliEnv, quiet, noColor bool, format string, stdout bool) report.Options {
	opts := report.Options{Quiet: quiet, RuleDocsURL: o.ruleDocsURL, PathPrefix: o.pathPrefix, MaxFindings: o.maxFindings}
	if format == "text" && stdout {
		switch {
		case noColor || o.color == "never":
		case o.color == "always":
			opts.Color = true
		default:
			opts.Color = env.isTTY && env.getenv("NO_COLOR") == ""
		}
	}
	return opts
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// appendStepSummary adds the Markdown summary to the file GitHub Actions
// names in $GITHUB_STEP_SUMMARY, when the github format is written there.
func appendStepSummary(env *cliEnv, res *lint.Result, opts report.Options) error {
	path := env.getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	if err := report.GitHubStepSummary(f, res, opts); err != nil {
		f.Close()
		return fmt.Errorf("GITHUB_STEP_SUMMARY %s: %w", path, err)
	}
	return f.Close()
}

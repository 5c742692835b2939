package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/graph"
	"github.com/apimlint/apimlint/lint/report"
	"github.com/apimlint/apimlint/rules"
)

func init() {
	addCommand(&command{name: "completion", usage: "bash|zsh|fish", summary: "print a shell completion script", run: runCompletion})
}

func runCompletion(env *cliEnv, args []string) int {
	fs := newFlagSet(env, "completion", "bash|zsh|fish")
	shells, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(shells) != 1 {
		return usageError(env, "completion needs a shell: bash, zsh or fish")
	}
	w := completionWords()
	var werr error
	switch shells[0] {
	case "bash":
		werr = writeBashCompletion(env.stdout, w)
	case "zsh":
		werr = writeZshCompletion(env.stdout, w)
	case "fish":
		werr = writeFishCompletion(env.stdout, w)
	default:
		return usageError(env, "completion: unknown shell %q (want bash, zsh or fish)", shells[0])
	}
	if werr != nil {
		return usageError(env, "completion: %v", werr)
	}
	return exitOK
}

// words are what the scripts offer; they come from the command table,
// the lint flags, the report formats and the rule registry, so the
// scripts never fall behind the binary that prints them.
type words struct {
	commands []string
	flags    []string // lint flags, with their dashes
	formats  []string
	rules    []string
}

func completionWords() words {
	var w words
	for name := range commands {
		w.commands = append(w.commands, name)
	}
	sort.Strings(w.commands)
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	var cf commonFlags
	cf.register(fs, "error")
	fs.VisitAll(func(f *flag.Flag) {
		w.flags = append(w.flags, "--"+f.Name)
	})
	w.flags = append(w.flags, "--help", "--version")
	w.formats = report.Formats()
	for _, r := range rules.All() {
		w.rules = append(w.rules, r.ID)
	}
	for _, r := range extraRules {
		w.rules = append(w.rules, r.ID)
	}
	sort.Strings(w.rules)
	return w
}

func writeBashCompletion(out io.Writer, w words) error {
	_, err := fmt.Fprintf(out, `# bash completion for apimlint.
# Load it now:        source <(apimlint completion bash)
# or for every shell: apimlint completion bash > /etc/bash_completion.d/apimlint
_apimlint() {
    local cur prev
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    local commands=%[1]q
    local flags=%[2]q
    local formats=%[3]q
    local rules=%[4]q
    case "$prev" in
        --format) [[ "${COMP_WORDS[1]}" == graph ]] && formats=%[5]q; COMPREPLY=( $(compgen -W "$formats" -- "$cur") ); return ;;
        --rule|explain) COMPREPLY=( $(compgen -W "$rules" -- "$cur") ); return ;;
        --fail-on) COMPREPLY=( $(compgen -W "error warning info none" -- "$cur") ); return ;;
        completion) COMPREPLY=( $(compgen -W "bash zsh fish" -- "$cur") ); return ;;
        --config) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
        return
    fi
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=( $(compgen -W "$commands" -- "$cur") $(compgen -f -- "$cur") )
        return
    fi
    COMPREPLY=( $(compgen -f -- "$cur") )
}
complete -o filenames -o bashdefault -F _apimlint apimlint
`, strings.Join(w.commands, " "), strings.Join(w.flags, " "), strings.Join(w.formats, " "), strings.Join(w.rules, " "), strings.Join(graph.Formats, " "))
	return err
}

// zsh runs the bash function through bashcompinit, so both shells offer
// the same words.
func writeZshCompletion(out io.Writer, w words) error {
	if _, err := fmt.Fprint(out, `#compdef apimlint
# zsh completion for apimlint.
# Load it now:        source <(apimlint completion zsh)
# or for every shell: apimlint completion zsh > "${fpath[1]}/_apimlint"
autoload -U +X bashcompinit && bashcompinit
`); err != nil {
		return err
	}
	return writeBashCompletion(out, w)
}

func writeFishCompletion(out io.Writer, w words) error {
	var b strings.Builder
	b.WriteString("# fish completion for apimlint.\n")
	b.WriteString("# Load it: apimlint completion fish > ~/.config/fish/completions/apimlint.fish\n")
	fmt.Fprintf(&b, "complete -c apimlint -n __fish_use_subcommand -f -a %s\n", fishQuote(strings.Join(w.commands, " ")))
	fmt.Fprintf(&b, "complete -c apimlint -n '__fish_seen_subcommand_from explain' -f -a %s\n", fishQuote(strings.Join(w.rules, " ")))
	b.WriteString("complete -c apimlint -n '__fish_seen_subcommand_from completion' -f -a 'bash zsh fish'\n")
	fmt.Fprintf(&b, "complete -c apimlint -n '__fish_seen_subcommand_from graph' -l format -x -a %s\n", fishQuote(strings.Join(graph.Formats, " ")))
	for _, fl := range w.flags {
		name := strings.TrimPrefix(fl, "--")
		switch {
		case name == "format":
			fmt.Fprintf(&b, "complete -c apimlint -l format -x -a %s -d 'output format, optionally =PATH'\n", fishQuote(strings.Join(w.formats, " ")))
		case name == "rule":
			fmt.Fprintf(&b, "complete -c apimlint -l rule -x -a %s -d 'run only this rule'\n", fishQuote(strings.Join(w.rules, " ")))
		case name == "fail-on":
			b.WriteString("complete -c apimlint -l fail-on -x -a 'error warning info none' -d 'exit 1 at this severity or worse'\n")
		case name == "config":
			b.WriteString("complete -c apimlint -l config -r -F -d 'fleet config file'\n")
		default:
			fmt.Fprintf(&b, "complete -c apimlint -l %s\n", name)
		}
	}
	_, err := io.WriteString(out, b.String())
	return err
}

func fishQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/lint"
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

// words are what the scripts offer. Each command's flags come from the
// flag set the command itself builds (run with -h), so the scripts never
// fall behind the binary that prints them.
type words struct {
	commands []string
	byName   map[string]*commandWords
}

// commandWords are one command's flags and positional words.
type commandWords struct {
	name  string
	flags []flagWords
	// args are the positional words offered; files says whether file
	// names are offered too.
	args  []string
	files bool
}

// flagWords describe one flag for completion.
type flagWords struct {
	name   string // without dashes
	usage  string
	value  bool     // takes a value
	values []string // the values offered, when they are a closed set
	files  bool     // the value is a file name
}

// dash is the flag as typed: -v, --verbose.
func (f flagWords) dash() string {
	if len(f.name) == 1 {
		return "-" + f.name
	}
	return "--" + f.name
}

// commandFormats are the --format values of commands that do not write
// lint reports (those take every report format).
var commandFormats = map[string][]string{
	"rules": {"text", "json", "markdown"},
	"nodes": {"text", "json"},
	"diff":  {"text", "json"},
	"watch": {"text", "jsonl"},
}

// fileFlags take a file or directory name.
var fileFlags = map[string]bool{"config": true, "accept": true, "accepted": true, "baseline": true, "o": true, "ca": true, "fleet": true}

func completionWords() words {
	w := words{byName: map[string]*commandWords{}}
	for name := range commands {
		w.commands = append(w.commands, name)
	}
	sort.Strings(w.commands)
	var ruleIDs []string
	for _, r := range rules.All() {
		ruleIDs = append(ruleIDs, r.ID)
	}
	lintRules := slices.Clone(ruleIDs)
	for _, r := range extraRules {
		ruleIDs = append(ruleIDs, r.ID)
	}
	sort.Strings(ruleIDs)
	var roles []string
	for _, r := range lint.Roles {
		roles = append(roles, string(r))
	}
	for _, name := range w.commands {
		cw := &commandWords{name: name, files: true}
		var sets []*flag.FlagSet
		env := &cliEnv{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" },
			onFlagSet: func(fs *flag.FlagSet) { sets = append(sets, fs) }}
		args := []string{"-h"}
		if name == "schema" {
			args = []string{"print", "-h"}
		}
		commands[name].run(env, args)
		reports := false
		for _, fs := range sets {
			reports = reports || fs.Lookup("fail-on") != nil
		}
		seen := map[string]bool{}
		for _, fs := range sets {
			fs.VisitAll(func(f *flag.Flag) {
				if seen[f.Name] {
					return
				}
				seen[f.Name] = true
				_, usage := flag.UnquoteUsage(f)
				fw := flagWords{name: f.Name, usage: usage, value: !isBoolFlag(f), files: fileFlags[f.Name]}
				switch f.Name {
				case "format":
					fw.values = commandFormats[name]
					if reports {
						fw.values = report.Formats()
					}
				case "fail-on":
					fw.values = []string{"error", "warning", "info", "none"}
				case "rule":
					fw.values = lintRules
				case "color":
					fw.values = colorModes
				}
				cw.flags = append(cw.flags, fw)
			})
		}
		cw.flags = append(cw.flags, flagWords{name: "help", usage: "show the command's flags"})
		switch name {
		case "lint":
			cw.flags = append(cw.flags, flagWords{name: "version", usage: "print the version"})
		case "completion":
			cw.args, cw.files = []string{"bash", "zsh", "fish"}, false
		case "explain":
			cw.args, cw.files = ruleIDs, false
		case "schema":
			cw.args = roles // after "print"
		case "rules", "version":
			cw.files = false
		}
		sort.Slice(cw.flags, func(i, j int) bool { return cw.flags[i].name < cw.flags[j].name })
		w.byName[name] = cw
	}
	return w
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func writeBashCompletion(out io.Writer, w words) error {
	var b strings.Builder
	b.WriteString(`# bash completion for apimlint.
# Load it now:        source <(apimlint completion bash)
# or for every shell: apimlint completion bash > /etc/bash_completion.d/apimlint
_apimlint() {
    local cur prev cmd i w
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    # The command is the first word that is not a flag; without one, lint.
    cmd=lint
    for ((i = 1; i < COMP_CWORD; i++)); do
        w="${COMP_WORDS[i]}"
        case "$w" in
            -*) continue ;;
`)
	fmt.Fprintf(&b, "            %s) cmd=\"$w\" ;;\n", strings.Join(w.commands, "|"))
	b.WriteString(`        esac
        break
    done
    local flags="" args="" files=1
    case "$cmd" in
`)
	for _, name := range w.commands {
		cw := w.byName[name]
		var all []string
		for _, f := range cw.flags {
			all = append(all, f.dash())
		}
		fmt.Fprintf(&b, "        %s)\n", name)
		fmt.Fprintf(&b, "            flags=%q\n", strings.Join(all, " "))
		fmt.Fprintf(&b, "            args=%q\n", strings.Join(cw.args, " "))
		if !cw.files {
			b.WriteString("            files=0\n")
		}
		if name == "schema" {
			b.WriteString("            if [[ \"$prev\" == schema ]]; then args=print; files=0; fi\n")
		}
		var cases []string
		var fileNames, free []string
		for _, f := range cw.flags {
			if !f.value {
				continue
			}
			both := "-" + f.name + "|--" + f.name
			switch {
			case len(f.values) > 0:
				cases = append(cases, fmt.Sprintf("                %s) COMPREPLY=( $(compgen -W %q -- \"$cur\") ); return ;;\n", both, strings.Join(f.values, " ")))
			case f.files:
				fileNames = append(fileNames, both)
			default:
				free = append(free, both)
			}
		}
		if len(fileNames) > 0 {
			cases = append(cases, fmt.Sprintf("                %s) COMPREPLY=( $(compgen -f -- \"$cur\") ); return ;;\n", strings.Join(fileNames, "|")))
		}
		if len(free) > 0 {
			cases = append(cases, fmt.Sprintf("                %s) COMPREPLY=(); return ;;\n", strings.Join(free, "|")))
		}
		if len(cases) > 0 {
			b.WriteString("            case \"$prev\" in\n")
			for _, c := range cases {
				b.WriteString(c)
			}
			b.WriteString("            esac\n")
		}
		b.WriteString("            ;;\n")
	}
	fmt.Fprintf(&b, `    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
        return
    fi
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=( $(compgen -W %q -- "$cur") $(compgen -f -- "$cur") )
        return
    fi
    COMPREPLY=( $(compgen -W "$args" -- "$cur") )
    if [[ $files -eq 1 ]]; then
        COMPREPLY+=( $(compgen -f -- "$cur") )
    fi
}
complete -o filenames -o bashdefault -F _apimlint apimlint
`, strings.Join(w.commands, " "))
	_, err := io.WriteString(out, b.String())
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
	b.WriteString("# __apimlint_command prints the command being typed: the first word that is\n# not a flag, or lint.\n")
	b.WriteString("function __apimlint_command\n    for t in (commandline -opc)[2..-1]\n        switch $t\n            case '-*'\n                continue\n")
	fmt.Fprintf(&b, "            case %s\n                echo $t\n                return\n", strings.Join(w.commands, " "))
	b.WriteString("        end\n        echo lint\n        return\n    end\n    echo lint\nend\n")
	fmt.Fprintf(&b, "complete -c apimlint -n __fish_use_subcommand -a %s\n", fishQuote(strings.Join(w.commands, " ")))
	for _, name := range w.commands {
		cw := w.byName[name]
		cond := fishQuote("test (__apimlint_command) = " + name)
		if len(cw.args) > 0 {
			argCond := cond
			if name == "schema" {
				fmt.Fprintf(&b, "complete -c apimlint -n %s -f -a print\n", fishQuote("test (__apimlint_command) = schema; and not __fish_seen_subcommand_from print"))
				argCond = fishQuote("__fish_seen_subcommand_from print")
			}
			noFiles := ""
			if !cw.files {
				noFiles = " -f"
			}
			fmt.Fprintf(&b, "complete -c apimlint -n %s%s -a %s\n", argCond, noFiles, fishQuote(strings.Join(cw.args, " ")))
		} else if !cw.files {
			fmt.Fprintf(&b, "complete -c apimlint -n %s -f\n", cond)
		}
		for _, f := range cw.flags {
			opt := "-l " + f.name
			if len(f.name) == 1 {
				opt = "-s " + f.name
			}
			switch {
			case len(f.values) > 0:
				opt += " -x -a " + fishQuote(strings.Join(f.values, " "))
			case f.files:
				opt += " -r -F"
			case f.value:
				opt += " -x"
			}
			desc := f.usage
			if i := strings.IndexAny(desc, ";("); i > 0 {
				desc = desc[:i]
			}
			fmt.Fprintf(&b, "complete -c apimlint -n %s %s -d %s\n", cond, opt, fishQuote(strings.TrimSpace(desc)))
		}
	}
	_, err := io.WriteString(out, b.String())
	return err
}

func fishQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

package rules

import "github.com/apimlint/apimlint/lint"

// APIMLintConfig lists and explains the problems of .apimlint.toml.
var APIMLintConfig = register(&lint.Rule{
	ID:       lint.RuleConfigID,
	Severity: lint.SeverityError,
	Summary:  ".apimlint.toml has an unknown key, a bad value or invalid TOML",
	Category: "config",
	Doc: `apimlint lints its own config. .apimlint.toml at the fleet root (or the file given with
--config) is read strictly: a key apimlint does not know is an error at its line and column, and
so are invalid TOML, unknown roles in [[node]] or [[loadbalancer]], unknown severities in
[rules.severity] and globs that cannot match. A misspelt key ("disabel", "[[nodes]]") would
otherwise be ignored silently: the rule you meant to switch off still fires, or worse, the role
you declared for a node is not applied and every cross-node rule reasons about the wrong node.
The loader reports these problems whatever rules are selected, because a broken config changes
what every rule sees; the rule itself reports nothing more.`,
	Example: `.apimlint.toml:3:1: error: unknown key rules.disabel in .apimlint.toml (apimlint-config)`,
	Fix: `Correct the key or value at the position given. The sections are [fleet] complete, [rules]
enable/disable/severity, exclude, [[node]] path/role/addresses/offset/keystores,
[[loadbalancer]] host/role/ports, [drift] ignore/roles, [schema] extra and [[ignore]]
rule/path/key/reason/until; "apimlint init PATH" writes a commented starter file.`,
	// The loader's findings are in Fleet.Diagnostics, which every run
	// reports; reporting them here again would double them.
	Run: func(*lint.Pass) {},
})

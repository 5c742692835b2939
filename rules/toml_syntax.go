package rules

import "github.com/apimlint/apimlint/lint"

// TOMLSyntax reports files that are not valid TOML.
var TOMLSyntax = diagnosticRule(&lint.Rule{
	ID:       lint.RuleTOMLSyntax,
	Severity: lint.SeverityError,
	Summary:  "the file is not valid TOML (WSO2 refuses to start)",
	Category: "syntax",
	Doc: `WSO2's config mapper parses deployment.toml before anything else; a syntax error, a
duplicated table ("user_store previously defined at line 7") or a key defined twice stops the
server at start-up with "Error while performing configuration changes". apimlint reports the
parser's line and column. Keys written before the error are still checked by other rules.`,
	Example: `gw-1/deployment.toml:7:1: error: table user_store is already defined at line 3 (toml-syntax)`,
	Fix:     `Fix the TOML at the position given; merge duplicated tables into one.`,
})

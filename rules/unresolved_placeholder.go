package rules

import "github.com/apimlint/apimlint/lint"

// UnresolvedPlaceholder reports placeholders WSO2 cannot resolve.
var UnresolvedPlaceholder = diagnosticRule(&lint.Rule{
	ID:       lint.RuleUnresolvedPlaceholder,
	Severity: lint.SeverityError,
	Summary:  "a $ref{}, $secret{} or $conf{} placeholder that WSO2 cannot resolve",
	Category: "placeholders",
	Doc: `WSO2 resolves $ref{a.b} from another key of the same file, after filling defaults. A
reference to a key that is neither set nor has a default, or a cycle of references, stops the
server at start-up. Inside arrays of tables ([[event_listener]], [[apim.gateway.environment]],
[[apim.throttling.url_group]] …) $ref{} is never resolved: the literal text reaches the generated
XML. A $secret{alias} needs the alias under [secrets] (or [runtime_secrets] enable = true).
The old $conf{} form the docs still show is never resolved. ${…} runtime properties, $env{} and
$sys{} are only known where the server runs and are not reported. In a file with a TOML syntax
error, apimlint reads only up to the error: an alias or a $ref{} target it did not find may be
written below it, so those placeholders are one info finding, not an error each.`,
	Example: `cp-1/deployment.toml:52:13: error: $ref{super_admin.password} inside [[event_listener]] is never resolved: … (unresolved-placeholder)`,
	Fix: `Point $ref{} at a key the file sets, write the value itself inside arrays of tables (or use
${admin.password}-style runtime properties there), and define every $secret{} alias under [secrets].`,
})

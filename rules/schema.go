package rules

import (
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/schema"
)

// The three schema rules share one validation of the fleet against the
// CUE schema of each node's role (package schema); each reports its kind.

// SchemaType reports values of the wrong type or outside the allowed set.
var SchemaType = register(&lint.Rule{
	ID:       schema.RuleType,
	Severity: lint.SeverityError,
	Summary:  "a value has the wrong type, is outside the allowed set, or is a malformed URL or port",
	Category: "schema",
	Doc: `Each node is checked against the CUE schema of its role (apimlint schema print ROLE shows it):
types, allowed values (database type h2/mysql/postgre/mssql/oracle/db2, gateway environment type
production/sandbox/hybrid, keystore type JKS/PKCS12, user store type ...), URL shapes (tcp:// or
ssl:// for event hub and throttling endpoints, http(s):// and ws(s):// for web endpoints) and port
ranges. WSO2 reads the file at start-up and either refuses to start ("Error while performing
configuration changes") or, worse, starts with a value that misbehaves far from its cause: a
throttle decision endpoint written as http://... never connects, a database type WSO2 does not
know picks no driver.

Like WSO2, apimlint accepts numbers and booleans written as strings (port = "3306"). Values are
checked after placeholder resolution; values that come from $env{}, $sys{}, $secret{} or unknown
${} are not judged, nor are empty strings. An organisation's own rules written in CUE and listed
in .apimlint.toml ([schema] extra = ["policies/*.cue"]) are enforced the same way, and problems in
those files are reported here too.`,
	Example: `gw-1/deployment.toml:31:30: error: apim.throttling.throttle_decision_endpoints[0] is "http://tm-1:5672" (a string), but it must be a tcp:// or ssl:// URL with a host and a port from 0 to 65535, e.g. tcp://cp-1:5672 (schema-type)`,
	Fix: `Write the value in the form the message names. For a policy of your own, fix the value or the
policy file under [schema] extra.`,
	Requires: []*lint.Analysis{schema.Validation},
	Cost:     50,
	Run: func(p *lint.Pass) {
		for _, f := range schema.Findings(p, schema.RuleType) {
			p.Report(f)
		}
	},
})

// SchemaUnknownKey reports keys the role's schema does not know.
var SchemaUnknownKey = register(&lint.Rule{
	ID:       schema.RuleUnknownKey,
	Severity: lint.SeverityWarning,
	Fixable:  true,
	Summary:  "a key or table the schema of the node's role does not know: a typo, or a setting of another role",
	Category: "schema",
	Doc: `WSO2 silently ignores keys it does not know, so a misspelt key (event_listning_endpoints) is a
setting that is simply lost: the node starts with the default and nothing says why. apimlint
warns about every key the schema of the node's role does not list, suggests the closest known
key when one is a likely typo, and says when the key belongs to another role (an
[[apim.gateway.environment]] on a gateway is read by control planes only). WSO2 has hundreds of
rarely used keys, so this is a warning: a real key the schema lacks can be added with a
[schema] extra policy in .apimlint.toml, or the finding suppressed.`,
	Example:  `gw-1/deployment.toml:24:1: warning: unknown key event_listning_endpoints in [apim.event_hub]; did you mean event_listening_endpoints? (WSO2 ignores keys it does not know) (schema-unknown-key)`,
	Fix:      `Correct the key's spelling, or move the setting to the nodes of the role that reads it.`,
	Requires: []*lint.Analysis{schema.Validation},
	Cost:     50,
	Run: func(p *lint.Pass) {
		for _, f := range schema.Findings(p, schema.RuleUnknownKey) {
			p.Report(f)
		}
	},
})

// SchemaRequired reports sections and keys a role needs but lacks.
var SchemaRequired = register(&lint.Rule{
	ID:       schema.RuleRequired,
	Severity: lint.SeverityError,
	Summary:  "a section or key the node's role needs is missing",
	Category: "schema",
	Doc: `Some settings have no useful default in a distributed deployment. A gateway needs
[apim.key_manager] service_url (to validate tokens), and [apim.throttling] with
throttle_decision_endpoints and at least one [[apim.throttling.url_group]] (without them it
publishes to and listens on its own localhost, and nothing is throttled). A control plane needs
[database.apim_db] and [database.shared_db] (without them each node runs its own embedded H2).
Every [[apim.gateway.environment]] needs a name. The finding is reported at the table where the
missing key belongs, or at line 1 when that table is absent. [apim.event_hub] is not required on
gateways: WSO2's own Helm charts and Ansible roles leave it to the defaults WSO2 infers.`,
	Example: `gw-1/deployment.toml:1:1: error: gateway node has no [apim.throttling] table, which gateway nodes need: the gateway publishes request events to the traffic manager and applies its throttle decisions (schema-required)`,
	Fix: `Add the section with values that point at the right nodes; the distributed-deployment guide shows
each role's sections.`,
	Requires: []*lint.Analysis{schema.Validation},
	Cost:     50,
	Run: func(p *lint.Pass) {
		for _, f := range schema.Findings(p, schema.RuleRequired) {
			p.Report(f)
		}
	},
})

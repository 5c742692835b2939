package rules

import "github.com/apimlint/apimlint/lint"

// RoleUnknown reports nodes whose role cannot be decided.
var RoleUnknown = diagnosticRule(&lint.Rule{
	ID:       lint.RuleRoleUnknown,
	Severity: lint.SeverityWarning,
	Summary:  "the node's role cannot be decided, or its keys and its name disagree",
	Category: "roles",
	Doc: `Cross-node rules need to know what each node is. apimlint decides the role from, in order:
[[node]] role in .apimlint.toml, a "# apimlint: role=gateway" comment, [server] server_role
(other than "default"), keys only one role has ([[apim.gateway.environment]] and
[database.apim_db] for a control plane, [apim.sync_runtime_artifacts.gateway] for a gateway,
local throttle_decision_endpoints for a traffic manager), then role tokens in the directory name
(cp, acp, gw, tm, km, all-in-one…). A node none of these decide, or whose keys and name disagree,
is reported; rules skip nodes of unknown role.`,
	Example: `misc/deployment.toml:1:1: warning: cannot tell the role of node misc: … (role-unknown)`,
	Fix: `Add "# apimlint: role=gateway" (or the right role) at the top of the file, or a [[node]]
entry with path and role in .apimlint.toml.`,
})

package lint

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRenamedNodeRoleFromName: a node whose role only its directory name
// gives is decided again under the name it has in its fleet: below the
// estate root "gateways/node1" is a gateway, with the URL it names as an
// endpoint reference; as "node1" it has no role, a role-unknown finding
// and no references.
func TestRenamedNodeRoleFromName(t *testing.T) {
	src := []byte(`[server]
hostname = "node1.bank.local"

[apim.throttling]
service_url = "https://cp.bank.local:9443/services/"
`)
	long := NewNode("gateways/node1", "gateways/node1/deployment.toml", src, nil, ResolveOptions{})
	short := NewNode("node1", "gateways/node1/deployment.toml", src, nil, ResolveOptions{})
	if long.Role == short.Role {
		t.Fatalf("the fixture does not test anything: role %s under both names", long.Role)
	}
	r := renamed(long, "node1", "node1/deployment.toml", nil)
	if r.Role != short.Role || r.RoleSource != short.RoleSource || r.RoleDetail != short.RoleDetail {
		t.Errorf("renamed role %s (%s: %s), want %s (%s: %s)", r.Role, r.RoleSource, r.RoleDetail, short.Role, short.RoleSource, short.RoleDetail)
	}
	if diff := cmp.Diff(short.Diagnostics, r.Diagnostics); diff != "" {
		t.Errorf("diagnostics (-loaded under the name +renamed):\n%s", diff)
	}
	if !cmp.Equal(short.refs, r.refs, cmp.AllowUnexported(nodeRef{})) {
		t.Errorf("endpoint references %v, want %v", r.refs, short.refs)
	}
}

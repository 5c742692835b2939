package wso2

import (
	"strings"
)

// Role is what an APIM node does in the deployment.
type Role string

// The roles apimlint knows.
const (
	RoleControlPlane   Role = "control-plane"
	RoleGateway        Role = "gateway"
	RoleTrafficManager Role = "traffic-manager"
	RoleKeyManager     Role = "key-manager"
	RoleAllInOne       Role = "all-in-one"
	RoleOther          Role = "other"
	RoleUnknown        Role = "unknown"
)

// Roles lists every role in a stable order.
var Roles = []Role{RoleControlPlane, RoleGateway, RoleTrafficManager, RoleKeyManager, RoleAllInOne, RoleOther, RoleUnknown}

// ParseRole accepts a role name and the aliases operators use.
func ParseRole(s string) (Role, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "control-plane", "controlplane", "cp", "acp", "control_plane":
		return RoleControlPlane, true
	case "gateway", "gw", "ugw", "gateway-worker", "universal-gateway":
		return RoleGateway, true
	case "traffic-manager", "tm", "trafficmanager", "traffic_manager":
		return RoleTrafficManager, true
	case "key-manager", "km", "keymanager", "key_manager", "is-as-km":
		return RoleKeyManager, true
	case "all-in-one", "aio", "allinone", "default":
		return RoleAllInOne, true
	case "other":
		return RoleOther, true
	case "unknown":
		return RoleUnknown, true
	}
	return "", false
}

// IsAPIM reports whether nodes of this role are held to APIM rules.
func (r Role) IsAPIM() bool { return r != RoleOther && r != RoleUnknown && r != "" }

// ActsAs reports whether a node of role r provides the services of role
// want: an all-in-one node is a control plane, gateway, traffic manager and
// key manager at once, and a control plane hosts the resident key manager.
func (r Role) ActsAs(want Role) bool {
	if r == want {
		return true
	}
	switch r {
	case RoleAllInOne:
		return want == RoleControlPlane || want == RoleGateway || want == RoleTrafficManager || want == RoleKeyManager
	case RoleControlPlane:
		return want == RoleKeyManager
	}
	return false
}

// OnePackRelease reports whether API Manager version v (4.4.0, 3.2.0) was
// shipped as one pack, whose "default" profile runs every component (an
// all-in-one): every release before 4.5.0. From 4.5.0 the control plane,
// gateway and traffic manager are packs of their own, each with a
// "default" profile.
func OnePackRelease(v string) bool { return versionBefore(strings.TrimSpace(v), 4, 5) }

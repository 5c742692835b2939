package lint

import "github.com/apimlint/apimlint/wso2"

// The WSO2 facts the node model is built on live in package wso2; these
// names keep code written against lint compiling. New code uses wso2.

// Role is wso2.Role.
type Role = wso2.Role

// The roles, as in package wso2.
const (
	RoleControlPlane   = wso2.RoleControlPlane
	RoleGateway        = wso2.RoleGateway
	RoleTrafficManager = wso2.RoleTrafficManager
	RoleKeyManager     = wso2.RoleKeyManager
	RoleAllInOne       = wso2.RoleAllInOne
	RoleOther          = wso2.RoleOther
	RoleUnknown        = wso2.RoleUnknown
)

// Roles lists every role in a stable order.
var Roles = wso2.Roles

// ParseRole is wso2.ParseRole.
func ParseRole(s string) (Role, bool) { return wso2.ParseRole(s) }

// Placeholder syntax, as in package wso2.
type (
	PlaceholderKind = wso2.PlaceholderKind
	Placeholder     = wso2.Placeholder
)

// The placeholder syntaxes, as in package wso2.
const (
	PlaceholderRef     = wso2.PlaceholderRef
	PlaceholderRuntime = wso2.PlaceholderRuntime
	PlaceholderEnv     = wso2.PlaceholderEnv
	PlaceholderSys     = wso2.PlaceholderSys
	PlaceholderSecret  = wso2.PlaceholderSecret
	PlaceholderConf    = wso2.PlaceholderConf
)

// ScanPlaceholders is wso2.ScanPlaceholders.
func ScanPlaceholders(s string) []Placeholder { return wso2.ScanPlaceholders(s) }

// HasPlaceholder is wso2.HasPlaceholder.
func HasPlaceholder(s string) bool { return wso2.HasPlaceholder(s) }

// Default ports, as in package wso2.
const (
	PortMgtHTTPS   = wso2.PortMgtHTTPS
	PortMgtHTTP    = wso2.PortMgtHTTP
	PortNIOHTTP    = wso2.PortNIOHTTP
	PortNIOHTTPS   = wso2.PortNIOHTTPS
	PortJMS        = wso2.PortJMS
	PortJMSTLS     = wso2.PortJMSTLS
	PortBinary     = wso2.PortBinary
	PortBinaryTLS  = wso2.PortBinaryTLS
	PortThrift     = wso2.PortThrift
	PortThriftTLS  = wso2.PortThriftTLS
	PortWebSocket  = wso2.PortWebSocket
	PortWebSocketS = wso2.PortWebSocketS
	PortWebSub     = wso2.PortWebSub
	PortWebSubS    = wso2.PortWebSubS
)

// Endpoint is wso2.Endpoint.
type Endpoint = wso2.Endpoint

// ParseEndpoint is wso2.ParseEndpoint.
func ParseEndpoint(s string) (Endpoint, error) { return wso2.ParseEndpoint(s) }

// RedactURL is wso2.RedactURL.
func RedactURL(s string) string { return wso2.RedactURL(s) }

// IsSecretPath is wso2.IsSecretPath.
func IsSecretPath(path string) bool { return wso2.IsSecretPath(path) }

// EndpointKey is wso2.EndpointKey.
type EndpointKey = wso2.EndpointKey

// EndpointKeys is wso2.EndpointKeys.
var EndpointKeys = wso2.EndpointKeys

// GenericPath is wso2.GenericPath.
func GenericPath(p string) string { return wso2.GenericPath(p) }

// EndpointKeyRole is wso2.EndpointKeyRole.
func EndpointKeyRole(path string) (Role, bool) { return wso2.EndpointKeyRole(path) }

package wso2

import (
	"strings"
	"sync"
)

// EndpointKey is a key whose URLs point at nodes of one role. The address
// book learns from them; the endpoint rules check them.
type EndpointKey struct {
	// Path is the canonical key path; "[]" stands for any array index.
	Path string
	Role Role
}

// EndpointKeys lists the keys that hold URLs to other nodes of the fleet.
var EndpointKeys = []EndpointKey{
	{"apim.event_hub.event_listening_endpoints", RoleControlPlane},
	{"apim.event_hub.service_url", RoleControlPlane},
	{"apim.event_hub.event_duplicate_url", RoleControlPlane},
	{"apim.event_hub.publish.url_group[].urls", RoleControlPlane},
	{"apim.event_hub.publish.url_group[].auth_urls", RoleControlPlane},
	{"apim.throttling.throttle_decision_endpoints", RoleTrafficManager},
	{"apim.throttling.url_group[].traffic_manager_urls", RoleTrafficManager},
	{"apim.throttling.url_group[].traffic_manager_auth_urls", RoleTrafficManager},
	{"apim.throttling.event_duplicate_url", RoleTrafficManager},
	{"apim.throttling.service_url", RoleTrafficManager},
	{"apim.key_manager.service_url", RoleKeyManager},
	{"apim.gateway.environment[].service_url", RoleGateway},
	{"apim.gateway.environment[].http_endpoint", RoleGateway},
	{"apim.gateway.environment[].https_endpoint", RoleGateway},
	{"apim.gateway.environment[].ws_endpoint", RoleGateway},
	{"apim.gateway.environment[].wss_endpoint", RoleGateway},
	{"event_listener[].properties.notification_endpoint", RoleControlPlane},
}

// dialledKeys hold URLs of services a node connects to that are not one
// role of the fleet (revocation endpoints, receivers of other products),
// beside the EndpointKeys. An allowlist, not every URL-shaped value: claim
// URIs (http://wso2.org/claims/...) and CORS origins are URLs nobody dials.
var dialledKeys = map[string]bool{
	"apim.oauth_config.revoke_endpoint":                            true,
	"apim.throttling.receiver_url":                                 true,
	"apim.throttling.receiver_auth_url":                            true,
	"apim.throttling.event_publisher.url_group[].receiver_url_set": true,
	"apim.throttling.event_publisher.url_group[].auth_url_set":     true,
}

// gatewayEnvURLKeys are the URL keys of [[apim.gateway.environment]] and of
// its [[...virtual_host]] tables.
var gatewayEnvURLKeys = map[string]bool{
	"service_url": true, "http_endpoint": true, "https_endpoint": true,
	"ws_endpoint": true, "wss_endpoint": true,
	"websub_event_receiver_http_endpoint": true, "websub_event_receiver_https_endpoint": true,
}

// IsEndpointKey reports whether a key's values name a service a node
// connects to: the EndpointKeys, the other dialled keys, every URL of a
// gateway environment and of its virtual hosts, and [database.<name>] url.
func IsEndpointKey(path string) bool {
	p := GenericPath(path)
	if _, ok := endpointKeyRoles[p]; ok || dialledKeys[p] {
		return true
	}
	for _, prefix := range []string{"apim.gateway.environment[].", "apim.gateway.environment[].virtual_host[]."} {
		if rest, ok := strings.CutPrefix(p, prefix); ok && gatewayEnvURLKeys[rest] {
			return true
		}
	}
	if rest, ok := strings.CutPrefix(p, "database."); ok {
		name, key, ok := strings.Cut(rest, ".")
		return ok && key == "url" && !strings.ContainsAny(name, ".[")
	}
	return false
}

// GenericPath replaces array indexes in a canonical path with "[]", so
// apim.throttling.url_group[2].traffic_manager_urls matches an EndpointKey.
func GenericPath(p string) string {
	if strings.IndexByte(p, '[') < 0 {
		return p
	}
	var sb strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		sb.WriteByte(c)
		if c == '[' {
			j := i + 1
			for j < len(p) && p[j] >= '0' && p[j] <= '9' {
				j++
			}
			if j < len(p) && p[j] == ']' && j > i+1 {
				i = j - 1
			}
		}
	}
	return sb.String()
}

var endpointKeyRoles = func() map[string]Role {
	m := make(map[string]Role, len(EndpointKeys))
	for _, k := range EndpointKeys {
		m[k.Path] = k.Role
	}
	return m
}()

// EndpointKeyRole returns the role a key's URLs point at, if it is an endpoint key.
func EndpointKeyRole(path string) (Role, bool) {
	if strings.IndexByte(path, '[') < 0 {
		r, ok := endpointKeyRoles[path]
		return r, ok
	}
	// Paths with indexes repeat on every node: make each generic path once.
	if v, ok := genericRoles.Load(path); ok {
		e := v.(roleEntry)
		return e.role, e.ok
	}
	r, ok := endpointKeyRoles[GenericPath(path)]
	genericRoles.Store(path, roleEntry{r, ok})
	return r, ok
}

type roleEntry struct {
	role Role
	ok   bool
}

var genericRoles sync.Map // indexed path -> roleEntry

// OtherVendorGateway reports whether an [[apim.gateway.environment]]
// provider names another vendor's gateway (provider = "solace"): its URLs
// are that product's, not a WSO2 gateway's. "wso2", or none, is WSO2's.
func OtherVendorGateway(provider string) bool {
	provider = strings.TrimSpace(provider)
	return provider != "" && !strings.EqualFold(provider, "wso2")
}

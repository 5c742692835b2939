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

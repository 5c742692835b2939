package wso2

import "testing"

func TestGenericPath(t *testing.T) {
	for in, want := range map[string]string{
		"a.b":          "a.b",
		"a[0].b[12].c": "a[].b[].c",
		`a."x[1]"`:     `a."x[]"`,
		"a[x]":         "a[x]",
		"a[":           "a[",
		"a[12":         "a[12",
		"event_listener[3].properties.notification_endpoint": "event_listener[].properties.notification_endpoint",
	} {
		if got := GenericPath(in); got != want {
			t.Errorf("GenericPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsEndpointKey(t *testing.T) {
	for path, want := range map[string]bool{
		"apim.event_hub.publish.url_group[1].urls":                        true,
		"apim.oauth_config.revoke_endpoint":                               true,
		"apim.gateway.environment[0].virtual_host[2].wss_endpoint":        true,
		"apim.gateway.environment[0].websub_event_receiver_http_endpoint": true,
		"database.apim_db.url":                                            true,
		"database.apim_db.pool_options.url":                               false,
		"apim.gateway.environment[0].name":                                false,
		"apim.cors.allow_origins":                                         false,
		"apim.key_manager.service_url":                                    true,
	} {
		if got := IsEndpointKey(path); got != want {
			t.Errorf("IsEndpointKey(%q) = %v, want %v", path, got, want)
		}
	}
	// Every key with a role is an endpoint key.
	for _, k := range EndpointKeys {
		if !IsEndpointKey(k.Path) {
			t.Errorf("%s has role %s but is no endpoint key", k.Path, k.Role)
		}
		if r, ok := EndpointKeyRole(k.Path); !ok || r != k.Role {
			t.Errorf("EndpointKeyRole(%s) = %s, %v", k.Path, r, ok)
		}
	}
}

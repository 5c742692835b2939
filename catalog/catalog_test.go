package catalog

import (
	"slices"
	"strings"
	"testing"
)

func TestVersions(t *testing.T) {
	want := []string{"4.0.0", "4.1.0", "4.2.0", "4.3.0", "4.4.0", "4.5.0", "4.6.0", "4.7.0"}
	if got := Versions(); !slices.Equal(got, want) {
		t.Errorf("Versions() = %v, want %v", got, want)
	}
	if got := Dists("4.6.0"); len(got) != 4 {
		t.Errorf("Dists(4.6.0) = %v, want four distributions", got)
	}
	if s := Get("4.2.0", DistGateway); s == nil || s.Dist != DistAll {
		t.Errorf("Get(4.2.0, gateway) = %v, want the one 4.2.0 pack", s)
	}
	if Get("3.2.0", DistAll) != nil {
		t.Error("Get(3.2.0) found a set")
	}
}

func TestLookup(t *testing.T) {
	cases := []struct {
		version, dist, key string
		known              bool
	}{
		{"4.6.0", DistGateway, "apim.gateway.environment[0].name", true},
		{"4.6.0", DistControlPlane, "apim.gateway.environment[3].properties.anything", true},
		{"4.6.0", DistGateway, "transport.http.properties.maxThreads", true},
		{"4.6.0", DistGateway, "database.shared_db.type", true},   // infer pattern database.*.type
		{"4.6.0", DistGateway, "database.apim_db.hostname", true}, // $ref{database.$1.hostname}
		{"4.6.0", DistGateway, `apim.event_hub.event_listening_endpoint`, false},
		{"4.6.0", DistControlPlane, "apim.event_hub.event_listening_endpoints", true},
		{"4.6.0", DistGateway, "apim.sync_runtime_artifact.gateway.skip_list", false},
		{"4.3.0", DistAll, "integration.transaction_counter.enable", true},
		{"4.4.0", DistAll, "integration.transaction_counter.enable", false},
	}
	for _, c := range cases {
		m, err := Lookup(c.version, c.dist, c.key)
		if err != nil {
			t.Fatal(err)
		}
		if m.Known != c.known {
			t.Errorf("Lookup(%s, %s, %s).Known = %v, want %v", c.version, c.dist, c.key, m.Known, c.known)
		}
	}
	if _, err := Lookup("9.9.9", DistAll, "a"); err == nil {
		t.Error("Lookup on an unknown version: no error")
	}
}

func TestOpenTablesOnlyWhereIdentityIsMissing(t *testing.T) {
	if Get("4.1.0", DistAll).Open("event_listener") {
		t.Error("4.1.0 has its identity-framework templates, yet event_listener is open")
	}
	if !Get("4.6.0", DistAllInOne).Open("event_listener") {
		t.Error("4.6.0 lacks identity-framework templates, yet event_listener is closed")
	}
	if Get("4.6.0", DistAllInOne).Open("apim") {
		t.Error("apim is open")
	}
	if m := Get("4.6.0", DistAllInOne).Lookup("event_listener[0].some_new_key"); m.Closed {
		t.Error("a key of an open table is judged closed")
	}
}

func TestDefaultsChildrenRoles(t *testing.T) {
	s := Get("4.0.0", DistAll)
	if v, ok := s.Default("server.default_cache_timeout"); !ok || v != "15" {
		t.Errorf("default of server.default_cache_timeout = %v, %v; want \"15\"", v, ok)
	}
	if !slices.Contains(s.Children("apim.event_hub"), "event_listening_endpoints") {
		t.Errorf("Children(apim.event_hub) = %v", s.Children("apim.event_hub"))
	}
	if got := Get("4.6.0", DistGateway).ServerRoles(); !slices.Equal(got, []string{"default"}) {
		t.Errorf("4.6.0 gateway server roles = %v, want [default]", got)
	}
	if got := Get("4.6.0", DistAllInOne).ServerRoles(); !slices.Contains(got, "gateway-worker") {
		t.Errorf("4.6.0 all-in-one server roles = %v, want gateway-worker among them", got)
	}
	k := Get("4.6.0", DistGateway).Key("apim.gateway.environment[].name")
	if k == nil || len(k.Reads) == 0 || k.Reads[0].Line == 0 {
		t.Fatalf("apim.gateway.environment[].name: %+v", k)
	}
	if inf := s.Inferred("server.server_role", "gateway-worker"); inf["apim.throttling.enable_policy_deploy"] != false {
		t.Errorf("gateway-worker infers %v", inf)
	}
}

func TestHistory(t *testing.T) {
	rs := Renames()
	if len(rs) == 0 || rs[0] != (Rename{From: "integration.transaction_counter", To: "apim.transaction_counter", Since: "4.4.0", Keys: rs[0].Keys}) {
		t.Fatalf("Renames() = %+v", rs)
	}
	r, to, ok := RenamedKey("4.6.0", "integration.transaction_counter.enable")
	if !ok || to != "apim.transaction_counter.enable" || r.Since != "4.4.0" {
		t.Errorf("RenamedKey = %+v %q %v", r, to, ok)
	}
	if _, _, ok := RenamedKey("4.3.0", "integration.transaction_counter.enable"); ok {
		t.Error("renamed on 4.3.0, which still reads it")
	}
	// enable_apikey_subscription_validation: read up to 4.3.0, gone in 4.4.0.
	if last, ok := LastReadIn("4.7.0", DistControlPlane, "apim.key_manager.enable_apikey_subscription_validation"); !ok || last != "4.3.0" {
		t.Errorf("LastReadIn = %q, %v; want 4.3.0", last, ok)
	}
	if _, ok := LastReadIn("4.7.0", DistControlPlane, "apim.key_manager.service_url"); ok {
		t.Error("a key 4.7.0 reads is reported removed")
	}
	if CompareVersions("4.10.0", "4.9.0") <= 0 || CompareVersions("4.6.0", "4.6.0") != 0 {
		t.Error("CompareVersions")
	}
}

func TestSegments(t *testing.T) {
	got := Segments(`event_listener[0].properties."header.X-WSO2-KEY-MANAGER"`)
	if want := []string{"event_listener", "properties", "header.X-WSO2-KEY-MANAGER"}; !slices.Equal(got, want) {
		t.Errorf("Segments = %q, want %q", got, want)
	}
}

// infer.json's wildcard triggers (database.$1.type) set keys and values
// that name the matched segment: they come back bound to it.
func TestInferredBindsWildcardCaptures(t *testing.T) {
	for _, v := range []string{"4.0.0", "4.4.0"} {
		s := Get(v, DistAll)
		if s == nil {
			t.Skipf("no catalogue for %s", v)
		}
		for name, got := range map[string]map[string]any{
			"Inferred":   s.Inferred("database.apim_db.type", "mysql"),
			"InferredBy": s.InferredBy("database.apim_db.type", "mysql"),
		} {
			url, ok := got["database.apim_db.url"].(string)
			if !ok {
				t.Fatalf("%s %s: no database.apim_db.url in %v", v, name, got)
			}
			if !strings.Contains(url, "$ref{database.apim_db.hostname}") || strings.Contains(url, "$1") {
				t.Errorf("%s %s: url = %q", v, name, url)
			}
			for k := range got {
				if strings.Contains(k, "$") {
					t.Errorf("%s %s: unbound key %q", v, name, k)
				}
			}
		}
	}
}

package effective

import (
	"testing"
	"testing/fstest"

	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// TestResolverAgreesWithOf: the Resolver's cached inferences give the
// same value, source and origin as Of for written, inferred, defaulted
// and unknown keys, on a declared and an inferred version.
func TestResolverAgreesWithOf(t *testing.T) {
	fsys := fstest.MapFS{
		".apimlint.toml":        {Data: []byte("[fleet]\nversion = \"4.4.0\"\n\n[[node]]\npath = \"gw-47\"\nversion = \"4.7.0\"\n")},
		"gw-1/deployment.toml":  {Data: []byte("# apimlint: role=gateway\n[server]\nhostname = \"gw-1\"\nserver_role = \"gateway-worker\"\n\n[apim.event_hub]\nenable = false\n")},
		"gw-47/deployment.toml": {Data: []byte("# apimlint: role=gateway\n[server]\nhostname = \"gw-47\"\n")},
		"cp-1/deployment.toml":  {Data: []byte("# apimlint: role=control-plane\n[server]\nhostname = \"cp-1\"\n[database.apim_db]\ntype = \"mysql\"\n")},
	}
	f, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{
		"apim.event_hub.enable", "apim.throttling.enable_policy_deploy", "server.hostname", "server.offset",
		`system.parameter."org.wso2.CipherTransformation"`, "apim.no_such_key", "database.apim_db.driver",
		"apim.cache.gateway_token.enable", "transport.https.properties.port",
	}
	for _, versions := range []map[*lint.Node]fleetversion.Version{nil, fleetversion.All(f)} {
		r := NewResolver(f, versions)
		for _, n := range f.Nodes {
			for _, key := range keys {
				want, got := Of(f, n, key), r.Of(n, key)
				if got.Source != want.Source || got.Text() != want.Text() || got.From != want.From {
					t.Errorf("%s %s: resolver %q (%s, %s), Of %q (%s, %s)", n.Name, key, got.Text(), got.Source, got.From, want.Text(), want.Source, want.From)
				}
			}
		}
	}
	r := NewResolver(f, nil)
	gw1 := f.Node("gw-1")
	if v := r.Implicit(gw1, "apim.event_hub.enable"); v.Source == Explicit {
		t.Errorf("Implicit looked at the written value: %+v", v)
	}
	if v := r.Of(gw1, "apim.throttling.enable_policy_deploy"); v.Source != Inferred || !v.Scalar() {
		t.Errorf("inferred enable_policy_deploy: %+v", v)
	}
}

// TestComparableFollowsRefDefaults: [keystore.tls] defaults to
// $ref{keystore.primary.*}; a node that leaves [keystore.tls] out runs
// with its primary keystore's values, written or defaulted, and a default
// holding a runtime placeholder is not comparable.
func TestComparableFollowsRefDefaults(t *testing.T) {
	fsys := fstest.MapFS{
		".apimlint.toml":       {Data: []byte("[fleet]\nversion = \"4.6.0\"\n")},
		"gw-1/deployment.toml": {Data: []byte("# apimlint: role=gateway\n[server]\nhostname = \"gw-1\"\n\n[keystore.primary]\nfile_name = \"gw.jks\"\n")},
	}
	f, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := NewResolver(f, nil)
	n := f.Node("gw-1")
	if v, ok := r.Comparable(n, "keystore.tls.file_name"); !ok || v.Text() != "gw.jks" || v.Source != Default {
		t.Errorf("keystore.tls.file_name = %q (%s, %v), want the written primary file gw.jks by default", v.Text(), v.Source, ok)
	}
	if v, ok := r.Comparable(n, "keystore.tls.type"); !ok || v.Text() != "JKS" {
		t.Errorf("keystore.tls.type = %q (%v), want the primary keystore's default JKS", v.Text(), ok)
	}
	if u := r.Unit(n, "apim.gateway_notification.cleanup.expiry_time"); u != "time:s" {
		t.Errorf("unit of cleanup.expiry_time = %q, want time:s (unit-resolve.json)", u)
	}
	if u := r.Unit(n, "apim.event_hub.enable"); u != "" {
		t.Errorf("unit of event_hub.enable = %q", u)
	}
	if v, ok := r.Comparable(n, "apim.event_hub.enable"); !ok || v.Text() != "true" {
		t.Errorf("apim.event_hub.enable = %q (%v)", v.Text(), ok)
	}
	if v, ok := r.Comparable(n, "keystore.primary.file_name"); !ok || v.Text() != "wso2carbon.jks" {
		t.Errorf("a written key's implicit value = %q (%v), want its default wso2carbon.jks", v.Text(), ok)
	}
	if _, ok := r.Comparable(n, "apim.no_such_key"); ok {
		t.Error("a key without default is comparable")
	}
	if v, ok := r.Comparable(n, "server.base_path"); ok {
		t.Errorf("a default with a runtime placeholder is comparable: %q", v.Text())
	}
}

func TestPureRef(t *testing.T) {
	for s, want := range map[string]string{"$ref{a.b}": "a.b", "$ref{a.b}x": "", "x$ref{a}": "", "$ref{}": "", "${carbon.home}": ""} {
		if got, ok := pureRef(s); got != want || ok != (want != "") {
			t.Errorf("pureRef(%q) = %q, %v", s, got, ok)
		}
	}
}

// TestResolverKeyManagerHasNoDefaults: a key manager may be WSO2 Identity
// Server, whose defaults the API Manager metadata does not hold.
func TestResolverKeyManagerHasNoDefaults(t *testing.T) {
	fsys := fstest.MapFS{
		".apimlint.toml":       {Data: []byte("[fleet]\nversion = \"4.1.0\"\n")},
		"km-1/deployment.toml": {Data: []byte("# apimlint: role=key-manager\n[server]\nhostname = \"km-1\"\n")},
	}
	f, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := f.Node("km-1")
	if v := Of(f, n, "truststore.type"); v.Source != Default {
		t.Fatalf("fixture: Of gives %+v, want 4.1.0's default", v)
	}
	if v, ok := NewResolver(f, nil).Comparable(n, "truststore.type"); ok {
		t.Errorf("key manager's implicit value %+v", v)
	}
}

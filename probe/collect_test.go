package probe

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
)

func TestCollect(t *testing.T) {
	src := `[server]
hostname = "cp-1"

[apim.key_manager]
service_url = "https://km.example.com/services/"

[apim.throttling]
service_url = "https://tm-1:9443/$env{CTX}/services/"
throttle_decision_endpoints = ["tcp://tm-1:5672", "tcp://tm-2"]

[apim.jwt]
claim_dialect = "http://wso2.org/claims"

[[apim.gateway.environment]]
name = "Default"
service_url = "https://gw-1:9443/services/"
https_endpoint = "https://${carbon.local.ip}:8243"
http_endpoint = "not a url"

[[event_listener]]
id = "token_revocation"
[event_listener.properties]
notification_endpoint = "https://[control-plane-host]:9443/internal/data/v1/notify"

[database.apim_db]
url = "jdbc:postgresql://db-1:5433,db-2/apim?user=admin&password=hunter2"

[database.shared_db]
url = "jdbc:oracle:thin:@//ora-1:1522/shared"

[database.local_db]
url = "jdbc:h2:./repository/database/WSO2CARBON_DB;DB_CLOSE_ON_EXIT=FALSE"

[database.config]
url = "jdbc:sqlserver://mssql-1;databaseName=cfg"

[database.identity_db]
type = "mysql"
hostname = "mysql-1"

[database.user_db]
type = "postgre"
hostname = "$env{DB_HOST}"
port = 5432
`
	f := fleetOf(t, map[string]string{"cp-1": src})
	targets, skipped, err := Collect(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range targets {
		got = append(got, tg.URL)
	}
	want := []string{
		"https://km.example.com:443", "https://tm-1:9443", "tcp://tm-1:5672", "https://gw-1:9443",
		"postgresql://db-1:5433", "postgresql://db-2:5432", "oracle://ora-1:1522", "sqlserver://mssql-1:1433", "mysql://mysql-1:3306",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("targets:\n got %v\nwant %v", got, want)
	}
	var skips []string
	for _, s := range skipped {
		skips = append(skips, s.URL+" | "+s.Reason)
		if strings.Contains(s.URL+s.Reason, "hunter2") {
			t.Errorf("a password reached a skip: %s %s", s.URL, s.Reason)
		}
	}
	all := strings.Join(skips, "\n")
	for _, w := range []string{
		"tcp://tm-2 | no port written and tcp:// has no default port",
		// ${carbon.local.ip} is the node's own machine, as localhost is.
		"https://localhost:8243 | localhost means the node that names it",
		"not a url | \"not a url\" is not a URL",
		"https://[control-plane-host]:9443 | host [control-plane-host] is not a host name",
		"postgre://$env{DB_HOST} | holds a placeholder resolved only where the node runs ($env{DB_HOST})",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("skipped lacks %q; got:\n%s", w, all)
		}
	}
	if len(skipped) != 5 {
		t.Errorf("%d skipped, want 5:\n%s", len(skipped), all)
	}
}

// TestCollectCorpus collects (never dials) the endpoints of every real
// fleet: nothing panics, every fleet names something, and no claim URI or
// documentation URL slips in.
func TestCollectCorpus(t *testing.T) {
	dir := fleettest.CorpusDir(t)
	fleets, err := filepath.Glob(filepath.Join(dir, "fleets", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range fleets {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		f, err := lint.Load([]string{d}, lint.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		targets, skipped, err := Collect(f, Options{IncludeLoopback: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(targets)+len(skipped) == 0 {
			t.Errorf("%s: no endpoint collected", filepath.Base(d))
		}
		for _, tg := range targets {
			if strings.Contains(tg.Host, "wso2.org") || tg.Port == 0 {
				t.Errorf("%s: collected %s", filepath.Base(d), tg.URL)
			}
		}
	}
}

func TestCollectNeverShowsCredentials(t *testing.T) {
	src := `[apim.key_manager]
service_url = "https://admin:s3cret@km-1:94x3/services/?password=s3cret"

[database.apim_db]
url = "jdbc:mysql://dbuser:s3cret@db-1:33x6/apim?password=s3cret"
`
	f := fleetOf(t, map[string]string{"cp-1": src})
	targets, skipped, err := Collect(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != 0 || len(skipped) != 2 {
		t.Fatalf("%d targets, %d skipped; want 0 and 2", len(targets), len(skipped))
	}
	for _, s := range skipped {
		if strings.Contains(s.URL+s.Reason, "s3cret") || strings.Contains(s.URL+s.Reason, "admin") {
			t.Errorf("credentials in a skip: %s: %s", s.URL, s.Reason)
		}
		if !strings.Contains(s.Reason, "not a number") {
			t.Errorf("skip reason %q does not say the port is wrong", s.Reason)
		}
	}
}

// FuzzCollectURL: no value in an endpoint key makes collection panic, and
// what is collected is dialable.
func FuzzCollectURL(f *testing.F) {
	for _, s := range []string{
		"tcp://h:5672", "https://[::1]:9443/x", "jdbc:oracle:thin:@h:1521:X", "jdbc:oracle:thin:@(DESCRIPTION=(x))",
		"jdbc:mysql://a:1,b,[::1]:3/d", "ssl://$env{X}:9711", "https://[control-plane-host]/", "jdbc:h2:tcp://h/x",
		"jdbc:sqlserver://h;x=1", "http://:80", "ws://h:0", "jdbc:", "://", "jdbc:mysql://u:p@h:99999/d",
	} {
		f.Add(s)
	}
	n := lint.NewNode("cp-1", "cp-1/deployment.toml", nil, &lint.Config{}, lint.ResolveOptions{})
	f.Fuzz(func(t *testing.T, s string) {
		c := &collector{opts: &Options{IncludeLoopback: true}, targets: map[string]*Target{}, skipped: map[string]*Skipped{}}
		v := lint.StringValue(s)
		c.url(Use{Node: n, Key: &lint.Key{Path: "apim.key_manager.service_url", Value: v}, Value: v})
		for _, tg := range c.targets {
			if tg.Port < 1 || tg.Port > 65535 || hostProblem(tg.Host) != "" {
				t.Errorf("%q collected %s (host %q port %d)", s, tg.URL, tg.Host, tg.Port)
			}
		}
	})
}

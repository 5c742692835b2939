package probe

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/apimlint/apimlint/lint"
)

// certAuthority issues test certificates made on the fly.
type certAuthority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

var serial int64

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newCA(t *testing.T) *certAuthority {
	t.Helper()
	key := newKey(t)
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "apimlint test CA"},
		NotBefore: time.Now().Add(-72 * time.Hour), NotAfter: time.Now().Add(400 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return &certAuthority{cert: c, key: key, pool: pool}
}

// intermediate makes a CA certificate signed by ca.
func intermediate(t *testing.T, ca *certAuthority, name string) *certAuthority {
	t.Helper()
	key := newKey(t)
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-72 * time.Hour), NotAfter: time.Now().Add(400 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &certAuthority{cert: c, key: key}
}

// issue makes a server certificate for dnsName valid from notBefore to
// notAfter, signed by the CA (or self-signed when ca is nil).
func issue(t *testing.T, ca *certAuthority, dnsName string, notBefore, notAfter time.Time) tls.Certificate {
	t.Helper()
	key := newKey(t)
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: dnsName},
		DNSNames: []string{dnsName}, NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	parent, signer := tmpl, key
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// listen starts a listener on 127.0.0.1 that serves each connection with
// serve, and returns its port.
func listen(t *testing.T, serve func(net.Conn)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

func plainServer(t *testing.T) int { return listen(t, func(net.Conn) {}) }

func tlsServer(t *testing.T, cert tls.Certificate) int {
	return listen(t, func(c net.Conn) {
		if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
			return
		}
		// The client closes right after the handshake; errors are expected.
		_ = tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}}).Handshake()
	})
}

// silentServer accepts connections and never writes a byte: a TLS client
// waits for a ServerHello that never comes.
func silentServer(t *testing.T) int {
	done := make(chan struct{})
	port := listen(t, func(c net.Conn) {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
	})
	// Registered after listen's cleanup, so it runs first and releases the
	// held connections before the listener waits for them.
	t.Cleanup(func() { close(done) })
	return port
}

// loopbackOnly is the tests' dialer: localhost is 127.0.0.1, a .invalid
// name fails its DNS lookup, and anything outside 127.0.0.0/8 fails the test.
func loopbackOnly(t *testing.T) func(context.Context, string, string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(host, ".invalid") {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
		}
		if host == "localhost" {
			host = "127.0.0.1"
		}
		ip := net.ParseIP(host).To4()
		if ip == nil || ip[0] != 127 {
			t.Errorf("probe dialled %s, outside 127.0.0.0/8", addr)
			return nil, errors.New("test refuses to dial outside loopback")
		}
		var d net.Dialer
		return d.DialContext(ctx, network, net.JoinHostPort(host, port))
	}
}

// fleetOf loads node files given as name -> content.
func fleetOf(t testing.TB, files map[string]string) *lint.Fleet {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name+"/deployment.toml"] = &fstest.MapFile{Data: []byte(src)}
	}
	f, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// lineOf returns the 1-based line of the first line containing needle.
func lineOf(t *testing.T, src, needle string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, needle) {
			return i + 1
		}
	}
	t.Fatalf("%q not in source", needle)
	return 0
}

type want struct {
	rule    string
	sev     lint.Severity
	file    string
	line    int
	message string // substring
	related int
}

func check(t *testing.T, got []lint.Finding, wants []want) {
	t.Helper()
	used := make([]bool, len(got))
	for _, f := range got {
		t.Logf("%s:%d:%d: %s: %s (%s) related %v", f.File, f.Line, f.Column, f.Severity, f.Message, f.Rule, f.Related)
	}
outer:
	for _, w := range wants {
		for i, f := range got {
			if !used[i] && f.Rule == w.rule && f.Severity == w.sev && f.File == w.file && f.Line == w.line && strings.Contains(f.Message, w.message) {
				used[i] = true
				if len(f.Related) != w.related {
					t.Errorf("%s:%d %s: %d related places, want %d: %+v", f.File, f.Line, f.Rule, len(f.Related), w.related, f.Related)
				}
				continue outer
			}
		}
		t.Errorf("missing finding: %s %s at %s:%d containing %q", w.sev, w.rule, w.file, w.line, w.message)
	}
	for i, f := range got {
		if !used[i] {
			t.Errorf("unexpected finding: %s:%d:%d: %s: %s (%s)", f.File, f.Line, f.Column, f.Severity, f.Message, f.Rule)
		}
	}
}

func TestProbeFindings(t *testing.T) {
	now := time.Now()
	ca := newCA(t)
	plain := plainServer(t)
	dead := deadPort(t)
	good := tlsServer(t, issue(t, ca, "localhost", now.Add(-time.Hour), now.Add(365*24*time.Hour)))
	other := tlsServer(t, issue(t, ca, "other.example", now.Add(-time.Hour), now.Add(365*24*time.Hour)))
	expired := tlsServer(t, issue(t, ca, "localhost", now.Add(-48*time.Hour), now.Add(-24*time.Hour)))
	soon := tlsServer(t, issue(t, ca, "localhost", now.Add(-time.Hour), now.Add(10*24*time.Hour)))
	self := tlsServer(t, issue(t, nil, "localhost", now.Add(-time.Hour), now.Add(365*24*time.Hour)))
	// A leaf signed by an intermediate CA verifies when the server sends the
	// intermediate along, and not when it sends the leaf alone.
	inter := intermediate(t, ca, "apimlint test intermediate")
	leaf := issue(t, inter, "localhost", now.Add(-time.Hour), now.Add(365*24*time.Hour))
	leafOnly := tlsServer(t, leaf)
	leaf.Certificate = append(leaf.Certificate, inter.cert.Raw)
	chained := tlsServer(t, leaf)

	cp := fmt.Sprintf(`[server]
hostname = "cp-1"

[apim.throttling]
throttle_decision_endpoints = ["tcp://127.0.0.1:%d"]

[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://127.0.0.1:%d"]
traffic_manager_auth_urls = ["ssl://localhost:%d"]

[apim.key_manager]
service_url = "https://localhost:%d/services/"

[database.apim_db]
url = "jdbc:mysql://127.0.0.1:%d/WSO2AM_DB?useSSL=false"

[[event_listener]]
id = "token_revocation"
[event_listener.properties]
notification_endpoint = "https://localhost:%d/internal/data/v1/notify"

[[apim.event_hub.publish.url_group]]
urls = ["tcp://127.0.0.1:%d"]
auth_urls = ["ssl://localhost:%d"]
`, plain, dead, good, other, plain, chained, plain, leafOnly)
	gw := fmt.Sprintf(`[server]
hostname = "gw-1"

[apim.event_hub]
service_url = "https://localhost:%d/services/"
event_listening_endpoints = ["tcp://127.0.0.1:%d"]

[[apim.gateway.environment]]
name = "Default"
https_endpoint = "https://localhost:%d"
wss_endpoint = "wss://localhost:%d"
http_endpoint = "http://$env{GW_HOST}:8280"
ws_endpoint = "ws://[gateway-host]:9099"
service_url = "https://nosuch.invalid:9443/services/"

[database.shared_db]
type = "mysql"
hostname = "127.0.0.1"
port = %d
`, expired, dead, soon, self, plain)
	f := fleetOf(t, map[string]string{"cp-1": cp, "gw-1": gw})
	rep, err := Check(context.Background(), f, Options{
		IncludeLoopback: true, RootCAs: ca.pool, TrustName: "--ca test.pem",
		Timeout: 2 * time.Second, Dial: loopbackOnly(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	check(t, rep.Findings, []want{
		{RuleUnreachable, lint.SeverityError, "cp-1/deployment.toml", lineOf(t, cp, strconv.Itoa(dead)), "connection refused", 1},
		{RuleHostnameMismatch, lint.SeverityError, "cp-1/deployment.toml", lineOf(t, cp, strconv.Itoa(other)), "does not cover host localhost: it is for subject CN=other.example, SANs DNS:other.example", 0},
		{RuleExpiry, lint.SeverityError, "gw-1/deployment.toml", lineOf(t, gw, strconv.Itoa(expired)), "expired on " + now.Add(-24*time.Hour).UTC().Format("2006-01-02"), 0},
		{RuleExpiry, lint.SeverityWarning, "gw-1/deployment.toml", lineOf(t, gw, strconv.Itoa(soon)), "in 9 days", 0},
		{RuleUntrusted, lint.SeverityWarning, "gw-1/deployment.toml", lineOf(t, gw, strconv.Itoa(self)), "not trusted by --ca test.pem: it is self-signed", 0},
		{RuleUnreachable, lint.SeverityError, "gw-1/deployment.toml", lineOf(t, gw, "nosuch.invalid"), "DNS lookup of nosuch.invalid failed", 0},
		{RuleUntrusted, lint.SeverityWarning, "cp-1/deployment.toml", lineOf(t, cp, strconv.Itoa(leafOnly)), "signed by an unknown authority (issuer CN=apimlint test intermediate)", 0},
	})
	// The plain port is named four times over two files, and dialled once.
	probed := map[string]int{}
	for _, r := range rep.Results {
		probed[r.Target.Addr()]++
		if r.Target.Port == plain && len(r.Target.Uses) != 4 {
			t.Errorf("plain target %s has %d uses, want 4 (two tcp://, jdbc:mysql:// and [database] hostname/port)", r.Target.URL, len(r.Target.Uses))
		}
	}
	if n := probed[net.JoinHostPort("127.0.0.1", strconv.Itoa(plain))]; n != 1 {
		t.Errorf("127.0.0.1:%d probed %d times, want once", plain, n)
	}
	var reasons []string
	for _, s := range rep.Skipped {
		reasons = append(reasons, s.URL+": "+s.Reason)
	}
	joined := strings.Join(reasons, "\n")
	for _, w := range []string{"http://$env{GW_HOST}:8280: holds a placeholder resolved only where the node runs ($env{GW_HOST})", "ws://[gateway-host]:9099: host [gateway-host] is not a host name"} {
		if !strings.Contains(joined, w) {
			t.Errorf("skipped endpoints lack %q; got:\n%s", w, joined)
		}
	}
}

func TestProbeTotalDeadline(t *testing.T) {
	a, b := silentServer(t), silentServer(t)
	cp := fmt.Sprintf(`[apim.throttling]
throttle_decision_endpoints = ["ssl://127.0.0.1:%d", "ssl://127.0.0.1:%d"]
`, a, b)
	f := fleetOf(t, map[string]string{"cp-1": cp})
	start := time.Now()
	rep, err := Check(context.Background(), f, Options{
		IncludeLoopback: true, Timeout: 10 * time.Second, Deadline: 300 * time.Millisecond, Parallel: 1, Dial: loopbackOnly(t),
	})
	// The deadline, not the 10 s timeout, must end the probe: a bound far
	// from both holds on a loaded machine.
	elapsed := time.Since(start)
	if elapsed > 9*time.Second {
		t.Errorf("probe took %s with a 300ms total deadline and a 10s timeout", elapsed)
	}
	if !errors.Is(err, ErrDeadline) {
		t.Fatalf("err = %v, want ErrDeadline", err)
	}
	if rep.NotProbed != 1 {
		t.Errorf("NotProbed = %d, want 1 (one endpoint in flight, one waiting)", rep.NotProbed)
	}
	line := lineOf(t, cp, "throttle_decision_endpoints")
	check(t, rep.Findings, []want{
		{RuleUnreachable, lint.SeverityError, "cp-1/deployment.toml", line, "no TLS handshake answer came before the total deadline of 300ms ran out", 0},
	})
	found := false
	for _, s := range rep.Skipped {
		found = found || strings.Contains(s.Reason, "total deadline ran out before its turn")
	}
	if !found {
		t.Errorf("the endpoint never probed is not reported as skipped: %+v", rep.Skipped)
	}
	// Probe returns the findings along with the error.
	fs, err := Probe(context.Background(), f, Options{IncludeLoopback: true, Timeout: 10 * time.Second, Deadline: 100 * time.Millisecond, Parallel: 1, Dial: loopbackOnly(t)})
	if !errors.Is(err, ErrDeadline) || len(fs) != 1 {
		t.Errorf("Probe = %d findings, %v; want 1 finding and ErrDeadline", len(fs), err)
	}
}

func TestProbeTimeout(t *testing.T) {
	silent := silentServer(t)
	dead := deadPort(t)
	// An HTTP server where TLS is expected answers with plain text.
	text := listen(t, func(c net.Conn) {
		_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
	})
	closing := listen(t, func(net.Conn) {})
	gw := fmt.Sprintf(`[apim.event_hub]
service_url = "https://127.0.0.1:%d/services/"
event_listening_endpoints = ["tcp://127.0.0.1:%d"]

[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://127.0.0.1:%d"]
traffic_manager_auth_urls = ["ssl://127.0.0.1:%d"]
`, silent, dead, text, closing)
	f := fleetOf(t, map[string]string{"gw-1": gw})
	start := time.Now()
	fs, err := Probe(context.Background(), f, Options{IncludeLoopback: true, Timeout: 150 * time.Millisecond, Dial: loopbackOnly(t)})
	if err != nil {
		t.Fatal(err)
	}
	// A silent server would hold the probe forever without the timeout.
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("probe took %s with a 150ms timeout", d)
	}
	// tcp:// to the HTTP server is fine: only a connect is asked for.
	check(t, fs, []want{
		{RuleUnreachable, lint.SeverityError, "gw-1/deployment.toml", lineOf(t, gw, "service_url"), "no TLS handshake answer came within 150ms", 0},
		{RuleUnreachable, lint.SeverityError, "gw-1/deployment.toml", lineOf(t, gw, "event_listening_endpoints"), "connection refused: nothing listens on port " + strconv.Itoa(dead), 0},
		{RuleUnreachable, lint.SeverityError, "gw-1/deployment.toml", lineOf(t, gw, "traffic_manager_auth_urls"), "closed it during the TLS handshake", 0},
	})
	f2 := fleetOf(t, map[string]string{"gw-1": fmt.Sprintf("[apim.event_hub]\nservice_url = \"https://127.0.0.1:%d/services/\"\n", text)})
	fs, err = Probe(context.Background(), f2, Options{IncludeLoopback: true, Timeout: time.Second, Dial: loopbackOnly(t)})
	if err != nil {
		t.Fatal(err)
	}
	check(t, fs, []want{{RuleUnreachable, lint.SeverityError, "gw-1/deployment.toml", 2, "does not speak TLS there", 0}})
}

// twoNodes names one dead port from two nodes, plus a port only gw-1 names.
func twoNodes(t *testing.T) (cp, gw string, dead, plain int) {
	dead, plain = deadPort(t), plainServer(t)
	cp = fmt.Sprintf("[apim.throttling]\nthrottle_decision_endpoints = [\"tcp://127.0.0.1:%d\"]\n", dead)
	gw = fmt.Sprintf("[apim.event_hub]\nevent_listening_endpoints = [\"tcp://localhost:%d\", \"tcp://127.0.0.1:%d\"]\n", plain, dead)
	return cp, gw, dead, plain
}

func TestProbeFromNode(t *testing.T) {
	cp, gw, _, plain := twoNodes(t)
	f := fleetOf(t, map[string]string{"cp-1": cp, "gw-1": gw})
	// --from dials the node's loopback URLs (the probe runs on it) and
	// reports at the node's own file, with no other node related.
	rep, err := Check(context.Background(), f, Options{From: "gw-1", Dial: loopbackOnly(t)})
	if err != nil {
		t.Fatal(err)
	}
	check(t, rep.Findings, []want{{RuleUnreachable, lint.SeverityError, "gw-1/deployment.toml", 2, "connection refused", 0}})
	if len(rep.Results) != 2 {
		t.Errorf("probed %d endpoints from gw-1, want 2", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Target.Port == plain && r.Err != nil {
			t.Errorf("tcp://localhost:%d: %v", plain, r.Err)
		}
	}
	if _, err := Probe(context.Background(), f, Options{From: "gw-9", Dial: loopbackOnly(t)}); err == nil || !strings.Contains(err.Error(), "nodes: cp-1, gw-1") {
		t.Errorf("unknown --from node: err = %v", err)
	}
	// Without --from, the finding sits at the first file and relates the other.
	fs, err := Probe(context.Background(), f, Options{IncludeLoopback: true, Dial: loopbackOnly(t)})
	if err != nil {
		t.Fatal(err)
	}
	check(t, fs, []want{{RuleUnreachable, lint.SeverityError, "cp-1/deployment.toml", 2, "connection refused", 1}})
	if len(fs) == 1 && len(fs[0].Related) == 1 {
		r := fs[0].Related[0]
		if r.File != "gw-1/deployment.toml" || r.Line != 2 || r.Key != "apim.event_hub.event_listening_endpoints" {
			t.Errorf("related = %+v, want gw-1/deployment.toml:2 apim.event_hub.event_listening_endpoints", r)
		}
	}
}

func TestProbeLoopbackSkippedByDefault(t *testing.T) {
	cp, gw, _, _ := twoNodes(t)
	f := fleetOf(t, map[string]string{"cp-1": cp, "gw-1": gw})
	fail := func(context.Context, string, string) (net.Conn, error) {
		t.Error("dialled a loopback URL without --from or IncludeLoopback")
		return nil, errors.New("no")
	}
	rep, err := Check(context.Background(), f, Options{Dial: fail})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 || len(rep.Results) != 0 {
		t.Errorf("findings %v, results %d; want none", rep.Findings, len(rep.Results))
	}
	if len(rep.Skipped) != 2 {
		t.Errorf("skipped %d, want 2 (one per endpoint)", len(rep.Skipped))
	}
	for _, s := range rep.Skipped {
		if !strings.Contains(s.Reason, "apimlint probe --from NODE") {
			t.Errorf("skip reason %q does not say how to probe it", s.Reason)
		}
	}
}

func TestProbeOnlySkip(t *testing.T) {
	cp, gw, dead, plain := twoNodes(t)
	f := fleetOf(t, map[string]string{"cp-1": cp, "gw-1": gw})
	probed := func(o Options) []string {
		o.IncludeLoopback, o.Dial = true, loopbackOnly(t)
		rep, err := Check(context.Background(), f, o)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rep.Results {
			out = append(out, r.Target.Addr())
		}
		return out
	}
	deadAddr, plainAddr := "127.0.0.1:"+strconv.Itoa(dead), "localhost:"+strconv.Itoa(plain)
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"only host", Options{Only: []string{"LOCALHOST"}}, plainAddr},
		{"only host:port", Options{Only: []string{deadAddr}}, deadAddr},
		{"skip host", Options{Skip: []string{"127.0.0.1"}}, plainAddr},
		{"none", Options{Only: []string{"cp-1"}}, ""},
	} {
		if got := strings.Join(probed(tc.o), ","); got != tc.want {
			t.Errorf("%s: probed %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestProbeInsecureSkipVerify(t *testing.T) {
	now := time.Now()
	self := tlsServer(t, issue(t, nil, "localhost", now.Add(-time.Hour), now.Add(365*24*time.Hour)))
	src := fmt.Sprintf("[apim.key_manager]\nservice_url = \"https://localhost:%d/services/\"\n", self)
	f := fleetOf(t, map[string]string{"km": src})
	fs, err := Probe(context.Background(), f, Options{IncludeLoopback: true, InsecureSkipVerify: true, RootCAs: x509.NewCertPool(), Dial: loopbackOnly(t)})
	if err != nil {
		t.Fatal(err)
	}
	check(t, fs, []want{{RuleUntrusted, lint.SeverityInfo, "km/deployment.toml", 2, "not trusted by the system trust store: it is self-signed (add it, or the CA that should sign it, to the trust store) (reported only: --insecure-skip-verify)", 0}})
	// The fleet config re-grades and disables probe rules like lint rules.
	f.Config = &lint.Config{Rules: lint.RulesConfig{Severity: map[string]string{RuleUntrusted: "error"}}}
	fs, err = Probe(context.Background(), f, Options{IncludeLoopback: true, RootCAs: x509.NewCertPool(), Dial: loopbackOnly(t)})
	if err != nil {
		t.Fatal(err)
	}
	check(t, fs, []want{{RuleUntrusted, lint.SeverityError, "km/deployment.toml", 2, "self-signed", 0}})
	f.Config = &lint.Config{Rules: lint.RulesConfig{Disable: []string{RuleUntrusted}}}
	fs, err = Probe(context.Background(), f, Options{IncludeLoopback: true, RootCAs: x509.NewCertPool(), Dial: loopbackOnly(t)})
	if err != nil {
		t.Fatal(err)
	}
	check(t, fs, nil)
}

package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
)

// probeCLI runs apimlint in-process with its own buffers.
func probeCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdout: &out, stderr: &errb, getenv: testGetenv}
	code = run(env, args)
	return out.String(), errb.String(), code
}

// serveLoopback listens on 127.0.0.1 and hands each connection to serve.
func serveLoopback(t *testing.T, serve func(net.Conn)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		close(done)
		ln.Close()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
					return
				}
				serve(c)
				<-done
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// selfSigned makes a certificate for dnsName and returns it with its PEM.
func selfSigned(t *testing.T, dnsName string) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: dnsName}, DNSNames: []string{dnsName},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func writeNode(t *testing.T, dir, node, src string) {
	t.Helper()
	fleettest.WriteFile(t, filepath.Join(dir, node, "deployment.toml"), src)
}

func TestProbeCommand(t *testing.T) {
	cert, certPEM := selfSigned(t, "cp-1.example")
	tlsPort := serveLoopback(t, func(c net.Conn) {
		_ = tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}}).Handshake()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, certPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	writeNode(t, dir, "gw-1", fmt.Sprintf(`[apim.key_manager]
service_url = "https://127.0.0.1:%d/services/"

[apim.throttling]
throttle_decision_endpoints = ["tcp://127.0.0.1:%d", "tcp://$env{TM_HOST}:5672"]
`, tlsPort, dead))

	stdout, stderr, code := probeCLI(t, "probe", "--from", "gw-1", "--format", "json", "--ca", caFile, dir)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitFindings, stderr)
	}
	var doc struct {
		Findings []lint.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("json output: %v\n%s", err, stdout)
	}
	got := map[string]int{}
	for _, f := range doc.Findings {
		got[f.Rule+"@"+fmt.Sprint(f.Line)]++
	}
	// The certificate is trusted through --ca, but covers cp-1.example, not 127.0.0.1.
	want := map[string]int{"tls-hostname-mismatch@2": 1, "endpoint-unreachable@5": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings %v, want %v\n%s", got, want, stdout)
	}
	if !strings.Contains(stderr, "skipped tcp://$env{TM_HOST}:5672") || !strings.Contains(stderr, "probed 2 endpoints") {
		t.Errorf("stderr lacks the probe summary and the skipped placeholder:\n%s", stderr)
	}

	// Without --ca the self-signed certificate is also untrusted; --rule keeps one rule.
	stdout, _, code = probeCLI(t, "probe", "--loopback", "--rule", "tls-untrusted", "--fail-on", "warning", dir)
	if code != exitFindings || !strings.Contains(stdout, "is self-signed") || strings.Contains(stdout, "endpoint-unreachable") {
		t.Errorf("--rule tls-untrusted: exit %d\n%s", code, stdout)
	}
	if _, _, code := probeCLI(t, "probe", "--loopback", "--rule", "tls-untrusted", "--insecure-skip-verify", "--fail-on", "warning", dir); code != exitOK {
		t.Errorf("--insecure-skip-verify: exit %d, want 0 (untrusted reported at info)", code)
	}
	if _, _, code := probeCLI(t, "probe", "--loopback", "--fail-on", "none", dir); code != exitOK {
		t.Errorf("--fail-on none: exit %d", code)
	}
	if _, _, code := probeCLI(t, "probe", "--loopback", "--skip", "127.0.0.1", dir); code != exitOK {
		t.Errorf("--skip 127.0.0.1: exit %d, want 0 with nothing probed", code)
	}
	stdout, _, code = probeCLI(t, "probe", "--list", "--loopback", dir)
	if code != exitOK || !regexp.MustCompile(fmt.Sprintf(`(?m)^https://127\.0\.0\.1:%d +connect\+tls `, tlsPort)).MatchString(stdout) {
		t.Errorf("--list: exit %d\n%s", code, stdout)
	}
	for _, args := range [][]string{
		{"probe", "--from", "gw-9", dir},
		{"probe", "--ca", filepath.Join(dir, "gw-1", "deployment.toml"), dir},
		{"probe", "--rule", "default-admin-password", dir},
		{"probe", "--timeout", "0s", dir},
		{"probe"},
	} {
		if _, stderr, code := probeCLI(t, args...); code != exitUsage {
			t.Errorf("apimlint %s: exit %d, want %d; stderr: %s", strings.Join(args, " "), code, exitUsage, stderr)
		}
	}
	for _, r := range []string{"endpoint-unreachable", "tls-hostname-mismatch", "tls-expiry", "tls-untrusted"} {
		stdout, _, code := probeCLI(t, "explain", r)
		if code != exitOK || !strings.HasPrefix(stdout, r+" (") || !strings.Contains(stdout, "How to fix:") {
			t.Errorf("explain %s: exit %d\n%s", r, code, stdout)
		}
	}
}

func TestProbeCommandDeadline(t *testing.T) {
	silent := func(net.Conn) {} // holds the connection, never answers the handshake
	a, b := serveLoopback(t, silent), serveLoopback(t, silent)
	dir := t.TempDir()
	writeNode(t, dir, "gw-1", fmt.Sprintf("[apim.throttling]\nthrottle_decision_endpoints = [\"ssl://127.0.0.1:%d\", \"ssl://127.0.0.1:%d\"]\n", a, b))
	start := time.Now()
	stdout, stderr, code := probeCLI(t, "probe", "--loopback", "--timeout", "10s", "--deadline", "200ms", "--parallel", "1", dir)
	// The deadline, not the 10 s timeout, must end the probe.
	if d := time.Since(start); d > 9*time.Second {
		t.Errorf("probe ran %s with --deadline 200ms and --timeout 10s", d)
	}
	if code != exitFindings || !strings.Contains(stderr, "1 of 2 endpoints not probed") || !strings.Contains(stdout, "before the total deadline of 200ms ran out") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

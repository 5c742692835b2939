// Package probe checks that the endpoints a fleet's files name are really
// there: a TCP connect to each, and for ssl://, https:// and wss:// a TLS
// handshake whose certificate is checked for the URL's host name, expiry
// and trust. It never sends data beyond a TLS handshake and never
// authenticates. Probing is opt-in: `apimlint lint` never dials anything.
package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/apimlint/apimlint/lint"
)

// Defaults of Options.
const (
	DefaultTimeout       = 3 * time.Second
	DefaultParallel      = 16
	DefaultExpiryWarning = 30 * 24 * time.Hour
)

// Options control a probe.
type Options struct {
	// Timeout bounds one endpoint: connect plus TLS handshake.
	Timeout time.Duration
	// Deadline bounds the whole probe (0: only ctx's deadline). Endpoints
	// whose turn has not come when it runs out are reported as skipped.
	Deadline time.Duration
	// Parallel bounds how many endpoints are probed at once.
	Parallel int
	// Only keeps the endpoints whose host (or host:port) is listed; Skip
	// drops them. Matching ignores case.
	Only, Skip []string
	// From probes only the endpoints node From names, and dials its
	// loopback URLs: the probe runs on that node.
	From string
	// IncludeLoopback dials localhost URLs from this machine even without
	// From. Otherwise they are skipped: localhost in a node's file means
	// that node, not the machine running the probe.
	IncludeLoopback bool
	// RootCAs verifies certificate chains; nil means the system pool.
	RootCAs *x509.CertPool
	// TrustName names RootCAs in messages ("--ca ca.pem"); "" means the
	// system trust store.
	TrustName string
	// InsecureSkipVerify reports untrusted chains at info severity only.
	// Host names and expiry are still checked.
	InsecureSkipVerify bool
	// ExpiryWarning: a certificate expiring sooner is a warning.
	ExpiryWarning time.Duration
	// Now is the clock for expiry checks (time.Now when nil).
	Now func() time.Time
	// Dial opens connections ((&net.Dialer{}).DialContext when nil).
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Parallel <= 0 {
		o.Parallel = DefaultParallel
	}
	if o.ExpiryWarning <= 0 {
		o.ExpiryWarning = DefaultExpiryWarning
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Dial == nil {
		o.Dial = (&net.Dialer{}).DialContext
	}
}

// selected applies Only and Skip to an endpoint.
func (o *Options) selected(host string, port int) bool {
	hp := net.JoinHostPort(host, strconv.Itoa(port))
	match := func(list []string) bool {
		for _, s := range list {
			s = strings.ToLower(strings.TrimSpace(s))
			if s == host || s == hp {
				return true
			}
		}
		return false
	}
	if len(o.Only) > 0 && !match(o.Only) {
		return false
	}
	return !match(o.Skip)
}

// Result is what probing one target found.
type Result struct {
	Target  *Target
	Elapsed time.Duration
	// Err is set when the endpoint could not be reached: the connect or
	// the TLS handshake failed. Reason explains it for people.
	Err    error
	Reason string
	// Chain is the certificate chain the server sent (TLS targets).
	Chain     []*x509.Certificate
	HostErr   error // the leaf does not cover Target.Host
	VerifyErr error // the chain does not verify against the trust store
}

// Report is the outcome of a probe.
type Report struct {
	Findings []lint.Finding
	Results  []*Result
	Skipped  []*Skipped
	// NotProbed counts the endpoints the total deadline left unprobed
	// (they are also in Skipped).
	NotProbed int
}

// ErrDeadline is returned (wrapped) when the total deadline ran out
// before every endpoint was probed.
var ErrDeadline = errors.New("total probe deadline reached")

// Probe probes every endpoint of the fleet and returns the findings. When
// the deadline runs out it returns the findings so far and an error
// wrapping ErrDeadline.
func Probe(ctx context.Context, f *lint.Fleet, opts Options) ([]lint.Finding, error) {
	rep, err := Check(ctx, f, opts)
	if rep == nil {
		return nil, err
	}
	return rep.Findings, err
}

// Check probes like Probe and returns the whole report: what was probed,
// each certificate, and what was skipped and why.
func Check(ctx context.Context, f *lint.Fleet, opts Options) (*Report, error) {
	opts.defaults()
	targets, skipped, err := Collect(f, opts)
	if err != nil {
		return nil, err
	}
	if opts.Deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Deadline)
		defer cancel()
	}
	rep := &Report{Skipped: skipped, Results: make([]*Result, len(targets))}
	sem := make(chan struct{}, opts.Parallel)
	var wg sync.WaitGroup
	for i, t := range targets {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			rep.NotProbed++
			rep.Skipped = append(rep.Skipped, &Skipped{URL: t.URL, Reason: "not probed: the total deadline ran out before its turn", Uses: t.Uses})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			rep.Results[i] = probeOne(ctx, t, &opts)
		}()
	}
	wg.Wait()
	results := rep.Results[:0]
	for _, r := range rep.Results {
		if r != nil {
			results = append(results, r)
			rep.Findings = append(rep.Findings, r.findings(&opts)...)
		}
	}
	rep.Results = results
	rep.Findings = applyConfig(f.Config, rep.Findings)
	lint.SortFindings(rep.Findings)
	if rep.NotProbed > 0 {
		return rep, fmt.Errorf("%w: %d of %d endpoints not probed", ErrDeadline, rep.NotProbed, len(targets))
	}
	return rep, nil
}

// probeOne connects to one target and, for TLS, completes a handshake and
// reads the certificate. Nothing is written beyond the handshake.
func probeOne(ctx context.Context, t *Target, o *Options) *Result {
	r := &Result{Target: t}
	start := time.Now()
	defer func() { r.Elapsed = time.Since(start) }()
	pctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	conn, err := o.Dial(pctx, "tcp", t.Addr())
	if err != nil {
		r.Err = err
		r.Reason = connectReason(ctx, pctx, err, t, o)
		return r
	}
	defer conn.Close()
	if !t.TLS {
		return r
	}
	// Verification is done below, after the handshake, so that an
	// untrusted or mismatched certificate is still read and described.
	cfg := &tls.Config{InsecureSkipVerify: true, ServerName: t.Host, MinVersion: tls.VersionTLS10, CipherSuites: allCipherSuites} //nolint:gosec // verified by hand below
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(pctx); err != nil {
		r.Err = err
		r.Reason = handshakeReason(ctx, pctx, err, o)
		return r
	}
	r.Chain = tc.ConnectionState().PeerCertificates
	if len(r.Chain) == 0 {
		r.Err = errors.New("no certificate")
		r.Reason = "the TLS handshake completed without a server certificate"
		return r
	}
	leaf := r.Chain[0]
	r.HostErr = leaf.VerifyHostname(t.Host)
	// Expiry is its own finding: verify the chain at a time the leaf is
	// valid, so an expired leaf does not hide an untrusted issuer.
	at := o.Now()
	if at.After(leaf.NotAfter) {
		at = leaf.NotAfter.Add(-time.Second)
	} else if at.Before(leaf.NotBefore) {
		at = leaf.NotBefore.Add(time.Second)
	}
	inter := x509.NewCertPool()
	for _, c := range r.Chain[1:] {
		inter.AddCert(c)
	}
	_, r.VerifyErr = leaf.Verify(x509.VerifyOptions{Roots: o.RootCAs, Intermediates: inter, CurrentTime: at})
	return r
}

// allCipherSuites lets the handshake reach the certificate of an old
// server too: nothing is sent over the connection, so weak suites cost
// nothing here.
var allCipherSuites = func() []uint16 {
	var ids []uint16
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		ids = append(ids, cs.ID)
	}
	return ids
}()

func connectReason(total, one context.Context, err error, t *Target, o *Options) string {
	var dns *net.DNSError
	switch {
	case total.Err() != nil:
		return fmt.Sprintf("no answer before the total deadline%s ran out", deadlineText(o))
	case one.Err() != nil || isTimeout(err):
		return fmt.Sprintf("connection timed out after %s (a firewall dropping packets, or no such address on this network)", o.Timeout)
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return fmt.Sprintf("DNS lookup of %s failed: no such host", t.Host)
		}
		return fmt.Sprintf("DNS lookup of %s failed: %s", t.Host, dns.Err)
	case isRefused(err):
		return fmt.Sprintf("connection refused: nothing listens on port %d of %s (or a firewall rejects it)", t.Port, t.Host)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

func handshakeReason(total, one context.Context, err error, o *Options) string {
	var rec tls.RecordHeaderError
	switch {
	case total.Err() != nil:
		return fmt.Sprintf("the TCP connection was accepted, but no TLS handshake answer came before the total deadline%s ran out", deadlineText(o))
	case one.Err() != nil || isTimeout(err):
		return fmt.Sprintf("the TCP connection was accepted, but no TLS handshake answer came within %s", o.Timeout)
	case errors.As(err, &rec):
		return "the TCP connection was accepted, but the server does not speak TLS there (a plain-text port?)"
	case errors.Is(err, net.ErrClosed), strings.Contains(err.Error(), "EOF"), strings.Contains(err.Error(), "connection reset"):
		return "the TCP connection was accepted, but the server closed it during the TLS handshake"
	}
	return "the TCP connection was accepted, but the TLS handshake failed: " + err.Error()
}

func deadlineText(o *Options) string {
	if o.Deadline > 0 {
		return " of " + o.Deadline.String()
	}
	return ""
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func isRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || strings.Contains(err.Error(), "connection refused")
}

// applyConfig applies the fleet config's [rules] disable and severity to
// probe findings, as lint does for its rules.
func applyConfig(cfg *lint.Config, fs []lint.Finding) []lint.Finding {
	if cfg == nil {
		return fs
	}
	off := map[string]bool{}
	for _, id := range cfg.Rules.Disable {
		off[id] = true
	}
	for _, id := range cfg.Rules.Enable {
		delete(off, id)
	}
	out := fs[:0]
	for _, f := range fs {
		if off[f.Rule] || off["all"] {
			continue
		}
		if s, ok := cfg.Rules.Severity[f.Rule]; ok {
			if sev, err := lint.ParseSeverity(s); err == nil {
				if sev == lint.SeverityNone {
					continue
				}
				f.Severity = sev
			}
		}
		out = append(out, f)
	}
	return out
}

package probe

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apimlint/apimlint/lint"
)

// findings turns one result into findings, each at the first place that
// names the endpoint and related to every other.
func (r *Result) findings(o *Options) []lint.Finding {
	t := r.Target
	if r.Err != nil {
		return []lint.Finding{r.at(RuleUnreachable, lint.SeverityError, "%s is unreachable from here: %s", t.URL, r.Reason)}
	}
	if !t.TLS || len(r.Chain) == 0 {
		return nil
	}
	var out []lint.Finding
	leaf := r.Chain[0]
	desc := Describe(leaf)
	if r.HostErr != nil {
		out = append(out, r.at(RuleHostnameMismatch, lint.SeverityError,
			"the certificate served at %s does not cover host %s: it is for %s; nodes connecting to %s will fail with a hostname mismatch",
			t.URL, t.Host, desc, t.Host))
	}
	now := o.Now()
	switch {
	case now.After(leaf.NotAfter):
		out = append(out, r.at(RuleExpiry, lint.SeverityError, "the certificate served at %s (%s) expired on %s (%s ago)",
			t.URL, subject(leaf), day(leaf.NotAfter), days(now.Sub(leaf.NotAfter))))
	case now.Before(leaf.NotBefore):
		out = append(out, r.at(RuleExpiry, lint.SeverityError, "the certificate served at %s (%s) is not valid before %s (in %s): check the clock of the machine that issued it",
			t.URL, subject(leaf), leaf.NotBefore.UTC().Format(time.RFC3339), days(leaf.NotBefore.Sub(now))))
	case leaf.NotAfter.Sub(now) < o.ExpiryWarning:
		out = append(out, r.at(RuleExpiry, lint.SeverityWarning, "the certificate served at %s (%s) expires on %s, in %s (warning under %s)",
			t.URL, subject(leaf), day(leaf.NotAfter), days(leaf.NotAfter.Sub(now)), days(o.ExpiryWarning)))
	}
	if r.VerifyErr != nil {
		trust := o.TrustName
		if trust == "" {
			trust = "the system trust store"
		}
		sev := lint.SeverityWarning
		note := ""
		if o.InsecureSkipVerify {
			sev, note = lint.SeverityInfo, " (reported only: --insecure-skip-verify)"
		}
		out = append(out, r.at(RuleUntrusted, sev, "the certificate served at %s (%s) is not trusted by %s: %s%s",
			t.URL, subject(leaf), trust, verifyReason(leaf, r.VerifyErr), note))
	}
	return out
}

func (r *Result) at(rule string, sev lint.Severity, format string, args ...any) lint.Finding {
	t := r.Target
	u := t.Uses[0]
	f := lint.AtValue(u.Node, u.Key, u.Value, format, args...)
	f.Rule, f.Severity = rule, sev
	if f.Line < 1 {
		f.Line, f.Column = 1, 1
	}
	f.Related = []lint.Related{}
	for _, o := range t.Uses[1:] {
		p := o.Pos()
		f.Related = append(f.Related, lint.Related{Node: o.Node.Name, File: p.File, Line: p.Line, Column: p.Column, Key: o.Key.Path,
			Message: fmt.Sprintf("%s also names %s in %s", o.Node.Name, t.URL, o.Key.Path)})
	}
	return f
}

// Describe renders a certificate's subject, SANs and validity for people.
func Describe(c *x509.Certificate) string {
	var sans []string
	for _, d := range c.DNSNames {
		sans = append(sans, "DNS:"+d)
	}
	for _, ip := range c.IPAddresses {
		sans = append(sans, "IP:"+ip.String())
	}
	s := subject(c)
	if len(sans) == 0 {
		return s + " with no subject alternative names"
	}
	return s + ", SANs " + strings.Join(sans, ", ")
}

func subject(c *x509.Certificate) string {
	if s := c.Subject.String(); s != "" {
		return "subject " + s
	}
	return "an empty subject"
}

func verifyReason(leaf *x509.Certificate, err error) string {
	var ua x509.UnknownAuthorityError
	if errors.As(err, &ua) {
		if bytes.Equal(leaf.RawIssuer, leaf.RawSubject) {
			return "it is self-signed (add it, or the CA that should sign it, to the trust store)"
		}
		return fmt.Sprintf("it is signed by an unknown authority (issuer %s)", leaf.Issuer)
	}
	var ci x509.CertificateInvalidError
	if errors.As(err, &ci) {
		return ci.Error()
	}
	return err.Error()
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// days renders a duration in whole days, or hours under two days.
func days(d time.Duration) string {
	if d < 48*time.Hour {
		h := int(math.Ceil(d.Hours()))
		if h == 1 {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", h)
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

package rules

import (
	"path"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// Helpers shared by the production-hardening rules (default passwords,
// keystores, plain-text secrets, H2, broker passwords, JMS over TLS).

// hdApplies reports whether a node is held to APIM hardening rules: a
// Micro Integrator or other product is not, and a file that failed to
// parse before any key has nothing to judge.
func hdApplies(n *lint.Node) bool {
	if n.Role == wso2.RoleOther {
		return false
	}
	return n.SyntaxError == nil || len(n.Keys) > 0
}

// hdKnown returns a string value's resolved text when it is known
// statically: not from $secret{}, $env{}, $sys{} or an unknown ${}.
func hdKnown(v *lint.Value) (string, bool) {
	if v == nil || v.Kind != lint.KindString || v.Symbolic {
		return "", false
	}
	return v.Resolved(), true
}

// hdChained reports whether the value takes its text from another
// key of the same file through $ref{}, or from the admin credentials
// through ${admin.*}: that key is judged where it is written.
func hdChained(n *lint.Node, v *lint.Value) bool {
	for ph := range v.AllPlaceholders() {
		switch ph.Kind {
		case wso2.PlaceholderRef:
			if n.Get(ph.Name) != nil {
				return true
			}
		case wso2.PlaceholderRuntime:
			if (ph.Name == "admin.password" || ph.Name == "admin.username") && n.Get("super_admin."+strings.TrimPrefix(ph.Name, "admin.")) != nil {
				return true
			}
		}
	}
	return false
}

// hdAdminRef reports whether the value takes the super admin
// password through $ref{super_admin.password} or ${admin.password}.
func hdAdminRef(v *lint.Value) (string, bool) {
	for ph := range v.AllPlaceholders() {
		if ph.Kind == wso2.PlaceholderRef && ph.Name == "super_admin.password" ||
			ph.Kind == wso2.PlaceholderRuntime && ph.Name == "admin.password" {
			return ph.Text, true
		}
	}
	return "", false
}

// hdFileBase returns the file name of a keystore path as WSO2 reads it
// (file_name may be a bare name or a path below ${carbon.home}).
func hdFileBase(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	return path.Base(strings.TrimSpace(p))
}

// hdShippedKeystore reports whether a keystore file name is the one every
// WSO2 pack ships, whose private key is public.
func hdShippedKeystore(base string) bool {
	switch strings.ToLower(base) {
	case "wso2carbon.jks", "wso2carbon.p12", "wso2carbon.pfx":
		return true
	}
	return false
}

// hdTableLabel renders a key's table for a message: "[keystore.tls] password".
func hdTableLabel(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 && !strings.Contains(p[i:], `"`) {
		return "[" + p[:i] + "] " + p[i+1:]
	}
	return p
}

// hdShippedPassword is the keystore, truststore and database password of
// every WSO2 pack.
const hdShippedPassword = "wso2carbon"

// hdDBKind says how a [database.X] table stores its data.
type hdDBKind uint8

const (
	hdDBUnknown  hdDBKind = iota // symbolic, cannot tell
	hdDBEmbedded                 // embedded H2 file, written or by default
	hdDBServer                   // a database server (or H2 in server mode)
)

// hdDatabaseKind tells whether [database.<name>] is an embedded H2 file. A
// table that is not written, or has neither url nor type, is WSO2's
// default: embedded H2. The key returned is where it is decided (url or
// type), nil when by default.
func hdDatabaseKind(n *lint.Node, name string) (hdDBKind, *lint.Key) {
	t := "database." + name
	if k := n.Get(t + ".url"); k != nil {
		u, ok := hdKnown(k.Value)
		if !ok || strings.TrimSpace(u) == "" {
			// An empty url is a template left to fill in (Helm chart
			// defaults): what it will be is not known.
			return hdDBUnknown, k
		}
		u = strings.ToLower(strings.TrimSpace(u))
		if strings.HasPrefix(u, "jdbc:h2:") {
			rest := strings.TrimPrefix(u, "jdbc:h2:")
			if strings.HasPrefix(rest, "tcp:") || strings.HasPrefix(rest, "ssl:") {
				return hdDBServer, k
			}
			return hdDBEmbedded, k
		}
		return hdDBServer, k
	}
	if k := n.Get(t + ".type"); k != nil {
		ty, ok := hdKnown(k.Value)
		if !ok || strings.TrimSpace(ty) == "" {
			return hdDBUnknown, k
		}
		if strings.EqualFold(strings.TrimSpace(ty), "h2") {
			return hdDBEmbedded, k
		}
		return hdDBServer, k
	}
	if n.Get(t+".hostname") != nil {
		return hdDBServer, nil
	}
	return hdDBEmbedded, nil
}

// hdDatabaseNames lists the [database.X] tables a node writes, in file order.
func hdDatabaseNames(n *lint.Node) []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		rest, ok := strings.CutPrefix(p, "database.")
		if !ok {
			return
		}
		name, _, _ := strings.Cut(rest, ".")
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, t := range n.Tables {
		add(t.Path)
	}
	for _, k := range n.Keys {
		add(k.Path)
	}
	return out
}

// hdFileName returns the file name a keystore file_name names. The
// directory may be symbolic (${carbon.home}/repository/...): only the last
// element matters, so it is known when that element holds no placeholder.
func hdFileName(v *lint.Value) (string, bool) {
	if v == nil || v.Kind != lint.KindString {
		return "", false
	}
	base := hdFileBase(v.Resolved())
	if base == "" || base == "." || base == "/" || strings.ContainsAny(base, "${}") {
		return "", false
	}
	return base, true
}

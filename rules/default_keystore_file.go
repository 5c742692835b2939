package rules

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// DefaultKeystoreFile reports the shipped keystore in use for TLS or as the
// primary keystore.
var DefaultKeystoreFile = register(&lint.Rule{
	ID:       "default-keystore-file",
	Severity: lint.SeverityWarning,
	Summary:  "the keystore WSO2 ships (wso2carbon.jks) is in use for TLS or as the primary keystore",
	Category: "hardening", Tags: []string{"security"},
	Doc: `Every WSO2 pack ships the same wso2carbon.jks (wso2carbon.p12 on newer packs), so its private
key is public. Used for [keystore.tls], anyone can impersonate the node or read its traffic; used
as [keystore.primary], which encrypts registry resources and signs tokens, anyone can decrypt
those and forge tokens. When [keystore.tls] or [keystore.primary] is not set, WSO2 falls back to
the shipped keystore, so a missing [keystore.primary] is reported too; a missing [keystore.tls]
or [keystore.internal] follows [keystore.primary]. The client-truststore.jks truststore
is not reported: operators usually import their own certificates into it; its shipped password
is reported by default-keystore-password.

This is a warning, not an error: a file can keep the shipped name and hold a keystore of your
own. If so, rename it (for example <hostname>.jks) so that the name says what it is.`,
	Example: `gw-1/deployment.toml:20:14: warning: the shipped keystore wso2carbon.jks is in use for TLS and as the primary keystore ([keystore.primary] is not set) (default-keystore-file)`,
	Fix: `Generate a keystore of your own for every deployment (keytool -genkeypair -alias <host>
-keystore <host>.jks, or import a CA-signed certificate), copy it to
repository/resources/security/, and set file_name, password, alias and key_password in
[keystore.tls] and [keystore.primary]; the primary keystore must be the same on every node.
Import its certificate into the truststore of every node that calls this one.`,
	Run: runDefaultKeystoreFile,
})

func runDefaultKeystoreFile(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		if !hdApplies(n) || n.SyntaxError != nil {
			continue
		}
		var uses []string
		var at *lint.Key
		file := ""
		// An unset [keystore.primary] is the shipped keystore; an unset
		// [keystore.tls] or [keystore.internal] follows the primary one.
		primaryShipped := true
		if k := n.Get("keystore.primary.file_name"); k != nil {
			name, ok := hdFileName(k.Value)
			primaryShipped = ok && hdShippedKeystore(name)
		}
		for _, s := range []struct{ table, use string }{
			{"keystore.tls", "for TLS"},
			{"keystore.primary", "as the primary keystore"},
			{"keystore.internal", "as the internal keystore"},
		} {
			k := n.Get(s.table + ".file_name")
			if k == nil {
				switch {
				case s.table == "keystore.internal":
					// follows the primary keystore, judged already
				case s.table == "keystore.primary":
					uses = append(uses, fmt.Sprintf("%s ([%s] is not set)", s.use, s.table))
				case primaryShipped:
					uses = append(uses, fmt.Sprintf("%s ([%s] is not set and follows the primary keystore)", s.use, s.table))
				}
				continue
			}
			name, ok := hdFileName(k.Value)
			if !ok || !hdShippedKeystore(name) {
				continue
			}
			uses = append(uses, s.use)
			if at == nil {
				at, file = k, name
			}
		}
		if len(uses) == 0 {
			continue
		}
		if at == nil {
			// Nothing shipped is written: the finding is about a table
			// that is missing, so it points at the keystore table if any.
			table := "keystore.tls"
			if n.Table(table) == nil {
				table = "keystore.primary"
			}
			f := lint.AtTable(n, table, "the shipped keystore wso2carbon.jks is in use %s; its private key is public", hdJoinAnd(uses))
			f.Key = table + ".file_name"
			p.Report(f)
			continue
		}
		p.Report(lint.AtKey(n, at, "the shipped keystore %s is in use %s; its private key is public", file, hdJoinAnd(uses)))
	}
}

// hdJoinAnd joins phrases as "a, b and c".
func hdJoinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

package rules

import (
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// DefaultKeystorePassword reports keystore and truststore passwords left
// at WSO2's shipped value.
var DefaultKeystorePassword = register(&lint.Rule{
	ID:       "default-keystore-password",
	Severity: lint.SeverityError,
	Summary:  "a keystore or truststore password, or a key password, is WSO2's shipped default",
	Category: "hardening", Tags: []string{"security"},
	Doc: `WSO2 packs ship their keystores (wso2carbon.jks) and truststore (client-truststore.jks) with
the password wso2carbon, for the store and for its private key, and every sample copies it. A
keystore password that anyone can look up protects nothing: whoever reads the file can take the
node's private key, and whoever can write the truststore can make the node trust any server.
Every [keystore.*] password and key_password and the [truststore] password is checked after
placeholders are resolved; a value that takes its text from another key through $ref{} is judged
where that key is written, and values from $secret{}, $env{} or $sys{} are not known statically.`,
	Example: `cp-1/deployment.toml:22:13: error: [keystore.tls] password is WSO2's shipped default; a keystore anyone can open protects nothing (default-keystore-password)`,
	Fix: `Create a keystore of your own (keytool -genkeypair, or import your CA-signed certificate) with
a strong store and key password, import its certificate into a truststore with a new password,
and point [keystore.tls], [keystore.primary] and [truststore] at them. Keep the passwords out
of the file: $secret{alias} with the cipher tool (bin/ciphertool.sh -Dconfigure), or
$env{KEYSTORE_PASSWORD}.`,
	Run: runDefaultKeystorePassword,
})

// isKeystorePasswordPath matches keystore.X.password, keystore.X.key_password
// and truststore.password.
func isKeystorePasswordPath(p string) bool {
	if p == "truststore.password" {
		return true
	}
	rest, ok := strings.CutPrefix(p, "keystore.")
	if !ok {
		return false
	}
	store, leaf, ok := strings.Cut(rest, ".")
	return ok && store != "" && (leaf == "password" || leaf == "key_password")
}

func runDefaultKeystorePassword(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		if !hdApplies(n) {
			continue
		}
		for _, k := range n.Keys {
			if !isKeystorePasswordPath(k.Path) {
				continue
			}
			s, ok := hdKnown(k.Value)
			if !ok || s != hdShippedPassword || hdChained(n, k.Value) {
				continue
			}
			what := "a keystore anyone can open protects nothing"
			if strings.HasPrefix(k.Path, "truststore.") {
				what = "anyone who can write the truststore decides whom the node trusts"
			}
			p.Report(lint.AtKey(n, k, "%s is WSO2's shipped default; %s", hdTableLabel(k.Path), what))
		}
	}
}

package rules

import (
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// PlaintextSecret reports secrets written in plain text.
var PlaintextSecret = register(&lint.Rule{
	ID:       "plaintext-secret",
	Severity: lint.SeverityWarning,
	Summary:  "a password, key, client secret or token is written in plain text",
	Category: "hardening", Tags: []string{"security"},
	Doc: `deployment.toml is copied into images, Helm values, Git repositories and support tickets; every
password in it in plain text goes wherever the file goes. WSO2 reads secrets from three places
that keep them out of the file: $secret{alias} (the cipher tool encrypts the value with the
internal keystore), $env{VAR} and $sys{prop}. Every key that holds a secret (passwords, key
passwords, client secrets, tokens, [encryption] key, URLs with a password in them) is reported
once per value, at its position, when its value is plain text. A value that only refers to
another key ($ref{super_admin.password}, ${admin.password}) is not: the key it refers to is
reported where it is written. A [secrets] entry still in [brackets] is plain text waiting for the
cipher tool and is reported too; encrypted entries are not. Which keys are secrets is decided
in one place for all of apimlint (wso2.IsSecretPath); the message never shows the value.`,
	Example: `cp-1/deployment.toml:9:12: warning: super_admin.password is in plain text; use $secret{...} (cipher tool) or $env{...} (plaintext-secret)`,
	Fix: `Cipher tool: write password = "$secret{admin_password}", add [secrets] admin_password =
"[the-plain-value]", run bin/ciphertool.sh -Dconfigure on the node (it encrypts the [secrets]
entries in place with the internal keystore) and keep only the encrypted file. Environment:
write password = "$env{ADMIN_PASSWORD}" and set the variable from your secret store (Kubernetes
Secret, Vault, systemd credentials). Either way the file no longer holds the value.`,
	Cost: 11,
	Run:  runPlaintextSecret,
})

func runPlaintextSecret(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		if !hdApplies(n) {
			continue
		}
		for _, k := range n.Keys {
			if !k.IsSecret() {
				continue
			}
			inSecrets := strings.HasPrefix(k.Path, "secrets.")
			for _, v := range k.Scalars() {
				switch v.Kind {
				case lint.KindBool, lint.KindTable:
					continue
				case lint.KindString:
					if !plainSecretText(v) {
						continue
					}
					if inSecrets {
						s := strings.TrimSpace(v.Str())
						if !(strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]")) || cipherTextPlaceholder(s) {
							continue // encrypted by the cipher tool, or standing for it
						}
						p.Report(lint.AtValue(n, k, v, "%s is in plain text: the cipher tool has not encrypted it yet; run bin/ciphertool.sh -Dconfigure and keep only the encrypted file", k.Path))
						continue
					}
				}
				if !wso2.IsSecretPath(k.Path) {
					if epJDBCWithoutPassword(v) {
						continue // the '@' of an Oracle connect string is no user info
					}
					p.Report(lint.AtValue(n, k, v, "%s carries a password in plain text inside a URL; build the URL from $secret{...} or $env{...}", k.Path))
					continue
				}
				p.Report(lint.AtValue(n, k, v, "%s is in plain text; use $secret{...} (cipher tool) or $env{...}", k.Path))
			}
		}
	}
}

// plainSecretText reports whether a string holds secret text written in
// the file: not empty, not from $secret{}, $env{} or $sys{}, and not only
// references to other keys.
func plainSecretText(v *lint.Value) bool {
	if strings.TrimSpace(v.Str()) == "" {
		return false
	}
	rest := v.Str()
	for ph := range v.AllPlaceholders() {
		switch ph.Kind {
		case wso2.PlaceholderSecret, wso2.PlaceholderEnv, wso2.PlaceholderSys:
			return false
		}
		rest = strings.Replace(rest, ph.Text, "", 1)
	}
	return strings.TrimSpace(rest) != ""
}

// cipherTextPlaceholder reports whether a bracketed [secrets] value is a
// documentation stand-in for cipher text ("[cipher-text]") rather than a
// real password waiting for the cipher tool: samples and generated fleets
// write it where the encrypted value goes.
func cipherTextPlaceholder(s string) bool {
	switch strings.ToLower(strings.Trim(s, "[] ")) {
	case "cipher", "cipher-text", "cipher_text", "ciphertext", "encrypted", "encrypted-value", "encrypted_value":
		return true
	}
	return false
}

// epJDBCWithoutPassword reports a JDBC URL that carries no password,
// read by the JDBC parser's rules rather than as a generic URL.
func epJDBCWithoutPassword(v *lint.Value) bool {
	for _, s := range []string{v.Str(), v.Text()} {
		if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "jdbc:") || wso2.JDBCHasPassword(s) {
			return false
		}
	}
	return true
}

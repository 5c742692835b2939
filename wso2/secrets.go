package wso2

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apimlint/apimlint/internal/editdist"
)

// IsSecretPath reports whether a key holds a secret by its name. This is
// the one place that decides it; outputs and rules ask here. It errs on the
// side of secrecy: a setting wrongly redacted costs a less helpful message,
// a secret wrongly shown costs a leak.
func IsSecretPath(path string) bool {
	// Fleets repeat the same few hundred paths on every node: decide each once.
	if v, ok := secretPaths.Load(path); ok {
		return v.(bool)
	}
	b := isSecretPath(path)
	// The cache lives as long as the process (a watch daemon: days); a
	// file of 100k distinct keys must not grow it for ever.
	if secretPathCount.Add(1) <= maxSecretPaths {
		secretPaths.Store(path, b)
	}
	return b
}

var (
	secretPaths     sync.Map // path -> bool
	secretPathCount atomic.Int64
)

// maxSecretPaths bounds the cache: real fleets use a few thousand paths.
const maxSecretPaths = 1 << 16

func isSecretPath(path string) bool {
	if path == "secrets" || strings.HasPrefix(path, "secrets.") {
		return true
	}
	seg := path
	parent := ""
	if i := lastDot(path); i >= 0 {
		seg, parent = path[i+1:], path[:i]
	}
	if secretSegment(seg, path) {
		return true
	}
	// Values below a secret-named table or array (password = [{v = "…"}],
	// credentials = {value = "…"}) are as secret as the table; settings
	// there are not ([oauth.grant_type.password] enable = true).
	if isSettingName(nameWords(strings.Trim(stripIndex(seg), `"'`))) {
		return false
	}
	for parent != "" {
		pseg := parent
		if i := lastDot(parent); i >= 0 {
			pseg, parent = parent[i+1:], parent[:i]
		} else {
			parent = ""
		}
		if secretTable(pseg) {
			return true
		}
	}
	return false
}

// secretTable reports whether a table or array segment holds secrets in
// its fields: named for a password or credentials (not for tokens: caches
// such as gateway_token are tables of settings).
func secretTable(seg string) bool {
	seg = strings.ToLower(strings.Trim(stripIndex(seg), `"'`))
	if isSettingName(nameWords(seg)) {
		return false
	}
	return strings.Contains(seg, "password") || strings.Contains(seg, "passwd") || strings.Contains(seg, "passphrase") ||
		strings.Contains(seg, "credential") || seg == "secret" || strings.HasSuffix(seg, "_secret")
}

func stripIndex(seg string) string {
	if i := strings.IndexByte(seg, '['); i >= 0 {
		return seg[:i]
	}
	return seg
}

// secretSegment decides one segment of a key path; path is the whole key
// path when seg is its last segment.
func secretSegment(seg, path string) bool {
	seg = strings.Trim(stripIndex(seg), `"'`)
	words := nameWords(seg)
	seg = strings.ToLower(seg)
	if seg == "key" {
		// [encryption] key, [apim.ai] key, [multi_tenancy.cloud_services] key:
		// a bare "key" is key material wherever WSO2 uses it, except among
		// the free-form user store properties (Helm renders key = "value").
		return !strings.HasPrefix(path, "user_store.")
	}
	for _, w := range []string{"api_key", "private_key", "access_key", "secret_key", "signing_key", "encryption_key", "shared_key", "hmac_key"} {
		if seg == w || strings.HasSuffix(seg, "_"+w) || strings.HasPrefix(seg, w+"_") {
			return true
		}
	}
	if isSettingName(words) {
		return false
	}
	for _, w := range words {
		switch w {
		case "password", "passwd", "passphrase", "pass", "pwd", "secret", "token", "apikey", "credential", "credentials":
			return true
		}
		if misspeltSecretWord(w) {
			return true
		}
	}
	switch {
	case strings.Contains(seg, "password"), strings.Contains(seg, "passwd"), strings.Contains(seg, "passphrase"):
		return true
	case strings.HasSuffix(seg, "secret"), strings.HasSuffix(seg, "secretkey"), strings.HasSuffix(seg, "token"):
		return true
	case strings.HasSuffix(seg, "apikey"), strings.HasSuffix(seg, "privatekey"), strings.HasSuffix(seg, "accesskey"),
		strings.HasSuffix(seg, "moesifkey"), strings.HasSuffix(seg, "signingkey"):
		return true
	}
	return false
}

// lastDot returns the index of the last dot of a canonical path outside
// quotes, or -1.
func lastDot(path string) int {
	inQuote := byte(0)
	last := -1
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case inQuote != 0:
			if c == inQuote {
				inQuote = 0
			}
		case c == '"' || c == '\'':
			inQuote = c
		case c == '.':
			last = i
		}
	}
	return last
}

// nameWords splits a key name into lower-case words at '_', '-', '.' and
// camelCase boundaries: "PasswordJavaRegEx" -> password java reg ex.
func nameWords(seg string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(seg)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ':
			flush()
		case r >= 'A' && r <= 'Z' && i > 0 && rs[i-1] >= 'a' && rs[i-1] <= 'z':
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

// settingWords mark a name as a setting about secrets rather than a
// secret: enable_token_encryption, password_policy, PasswordJavaRegEx,
// add_tenant_domain_to_access_token, userstore_password_encryption.
var settingWords = map[string]bool{
	"enable": true, "enabled": true, "disable": true, "allow": true, "add": true, "show": true, "skip": true, "use": true, "is": true,
	"encryption": true, "hashing": true, "regex": true, "regexp": true, "reg": true, "pattern": true, "policy": true,
	"recovery": true, "reset": true, "length": true, "expiry": true, "validity": true, "lifetime": true, "type": true,
	"header": true, "headers": true, "endpoint": true, "url": true, "uri": true, "interval": true, "timeout": true,
	"generator": true, "issuer": true, "persistence": true, "validation": true, "cleanup": true, "cache": true,
	"class": true, "impl": true, "handler": true, "format": true, "claim": true, "algorithm": true, "alias": true,
	"file": true, "path": true, "name": true, "prefix": true, "min": true, "max": true, "count": true, "time": true,
}

func isSettingName(words []string) bool {
	for _, w := range words {
		if settingWords[w] {
			return true
		}
	}
	return false
}

// publicDefaultSecrets are WSO2's shipped credentials and the few words
// that every guide uses as one. They are printed in every WSO2 guide and
// are also user names, aliases and file names (admin, wso2carbon.jks), so
// hiding them elsewhere would garble messages and protect nothing; the
// same holds for the words that are also key names (a password "password"
// would otherwise turn apim.analytics.password into apim.analytics.****).
// A key holding one is still a secret: its own value is never shown.
var publicDefaultSecrets = map[string]bool{"admin": true, "wso2carbon": true, "password": true, "secret": true, "root": true}

// IsPublicDefaultSecret reports whether s is one of WSO2's published
// default secrets, which reveal nothing when they appear in other text.
func IsPublicDefaultSecret(s string) bool { return publicDefaultSecrets[s] }

// secretWords are the words that name a secret, with the edit distance
// within which a word is taken for a misspelling of one (pasword,
// key_pasword, passpharse): a misspelt key holds the same password, and
// storing it in clear because of a typo is a leak. Short words get a
// smaller distance: "secure" and "socket" are two edits from "secret".
var secretWords = []struct {
	word string
	max  int
}{
	{"password", 2}, {"passphrase", 2}, {"credential", 2}, {"credentials", 2},
	{"passwd", 1}, {"secret", 1}, {"apikey", 1}, {"token", 1},
}

func misspeltSecretWord(w string) bool {
	if len(w) < 4 {
		return false
	}
	for _, s := range secretWords {
		if abs(len(w)-len(s.word)) <= s.max && len(w) <= 64 && editdist.Bounded(w, s.word, s.max) <= s.max {
			return true
		}
	}
	return false
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

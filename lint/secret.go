package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
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
	secretPaths.Store(path, b)
	return b
}

var secretPaths sync.Map // path -> bool

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

// IsSecret reports whether the key's value must never be shown: by name,
// because it holds a $secret{} reference, or because a URL in it carries
// a password (amqp://user:pass@host).
func (k *Key) IsSecret() bool {
	if k == nil {
		return false
	}
	switch k.secret {
	case secretYes:
		return true
	case secretNo:
		return false
	}
	return k.isSecret()
}

const (
	secretUnknown uint8 = iota
	secretNo
	secretYes
)

// memoSecret decides IsSecret once, while the node is loaded by one
// goroutine, so that rules running concurrently only read it.
func (k *Key) memoSecret() {
	k.secret = secretNo
	if k.isSecret() {
		k.secret = secretYes
	}
}

func (k *Key) isSecret() bool {
	if IsSecretPath(k.Path) {
		return true
	}
	if k.Value == nil {
		return false
	}
	for _, v := range k.Value.Scalars() {
		for _, ph := range v.Placeholders {
			if ph.Kind == PlaceholderSecret {
				return true
			}
		}
		if v.Kind == KindString && (hasURLPassword(v.Str) || hasURLPassword(v.Resolved)) {
			return true
		}
	}
	return false
}

// hasURLPassword reports whether s holds a URL whose user info carries a
// password (scheme://user:password@host), or a password= query parameter.
func hasURLPassword(s string) bool {
	if strings.IndexByte(s, '@') < 0 && strings.IndexByte(s, '=') < 0 {
		return false // neither user info nor a query parameter
	}
	lower := strings.ToLower(s)
	for _, p := range []string{"password=", "passwd=", "pwd=", "token=", "secret=", "client_secret=", "apikey=", "api_key="} {
		if i := strings.Index(lower, p); i >= 0 && i+len(p) < len(lower) {
			c := lower[i+len(p)]
			if c != '&' && c != ';' && c != '"' && c != '\'' {
				return true
			}
		}
	}
	_, ok := urlUserinfo(s)
	return ok
}

// urlUserinfo finds user:password@ in a URL, with or without a scheme.
// It errs on the side of secrecy: everything up to the last '@' before
// the host counts, since a password may hold '/', '#' or '?'.
func urlUserinfo(s string) (end int, ok bool) {
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	}
	at := strings.LastIndexByte(s[start:], '@')
	if at < 0 {
		return 0, false
	}
	c := strings.IndexByte(s[start:start+at], ':')
	if c < 0 || c == at-1 {
		return 0, false // user@host, or user:@host
	}
	return start + at, true
}

// RedactURL hides the password of a URL's user information
// (scheme://user:****@host…).
func RedactURL(s string) string {
	end, ok := urlUserinfo(s)
	if !ok {
		return s
	}
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	}
	user, _, _ := strings.Cut(s[start:end], ":")
	return s[:start] + user + ":****" + s[end:]
}

// Redact describes a secret without revealing it.
func Redact(s string) string {
	return fmt.Sprintf(`"****" (%d chars)`, len(s))
}

// HashSecret returns a short salted hash of a secret, for comparing
// secrets across nodes or against a baseline without storing them.
func HashSecret(salt, s string) string {
	h := sha256.Sum256([]byte(salt + "\x00" + s))
	return "sha256:" + hex.EncodeToString(h[:8])
}

// Show renders a key's resolved value for a message: quoted, or redacted
// when the key is a secret. Placeholders are shown as written, since they
// hold names, not values.
func (k *Key) Show() string {
	if k == nil || k.Value == nil {
		return `""`
	}
	return showValue(k, k.Value)
}

// ShowValue renders one element of the key's value the same way.
func (k *Key) ShowValue(v *Value) string { return showValue(k, v) }

func showValue(k *Key, v *Value) string {
	if k.IsSecret() {
		switch v.Kind {
		case KindString:
			if isPurePlaceholder(v.Str) {
				return fmt.Sprintf("%q", v.Str)
			}
			return Redact(v.Resolved)
		case KindInteger, KindFloat, KindDateTime:
			// password = 123456 is as secret as a string.
			return Redact(v.Str)
		}
	}
	switch v.Kind {
	case KindString:
		return fmt.Sprintf("%q", v.Resolved)
	case KindArray:
		parts := make([]string, 0, len(v.Elems))
		for _, e := range v.Elems {
			parts = append(parts, showValue(k, e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return v.Str
}

// isPurePlaceholder reports whether s is one $secret/$env/$sys/$ref/${}
// placeholder and nothing else: such a value names where the secret
// lives and is safe to show.
func isPurePlaceholder(s string) bool {
	phs := ScanPlaceholders(s)
	return len(phs) == 1 && phs[0].Text == s
}

// Shape describes a value without revealing it: its type and, for
// strings, whether it is a placeholder, a URL or plain text.
func Shape(v *Value) string {
	if v == nil {
		return "nothing"
	}
	switch v.Kind {
	case KindString:
		if isPurePlaceholder(v.Str) {
			return "a " + ScanPlaceholders(v.Str)[0].Kind.String() + " placeholder"
		}
		return fmt.Sprintf("a string of %d chars", len(v.Str))
	case KindArray:
		return fmt.Sprintf("an array of %d", len(v.Elems))
	}
	return "a " + v.Kind.String()
}

// secretValues collects the plain secret values of the fleet, so that the
// engine can scrub any that a message still contains. Each node's list is
// made while it loads (in parallel); this only joins them.
func secretValues(nodes []*Node) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range nodes {
		for _, s := range n.secrets {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// nodeSecrets lists the node's plain secret values, once each.
func nodeSecrets(n *Node) []string {
	var out []string
	for _, k := range n.Keys {
		if !k.IsSecret() {
			continue
		}
		for _, v := range k.Value.Scalars() {
			for _, s := range [2]string{v.Str, v.Resolved} {
				if len(s) < 3 || isPurePlaceholder(s) || publicDefaults[s] || slices.Contains(out, s) {
					continue
				}
				out = append(out, s)
			}
		}
	}
	return out
}

// publicDefaults are WSO2's shipped credentials. They are printed in every
// WSO2 guide and are also user names, aliases and file names (admin,
// wso2carbon.jks), so scrubbing them would garble messages and protect
// nothing. Rules still never print a secret key's value, defaults included.
// The same holds for the few words that are also key names (a password
// "password" would otherwise turn apim.analytics.password into
// apim.analytics.****).
var publicDefaults = map[string]bool{"admin": true, "wso2carbon": true, "password": true, "secret": true, "root": true}

// scrub replaces every secret of the list that stands in s as a whole word,
// a safety net under the rules' own redaction.
func scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		if !strings.Contains(s, sec) || isPlainWord(sec) {
			continue
		}
		// A long secret is hidden wherever it stands, even glued to other
		// text ("x" + password); a short one only as a whole word, so that
		// it does not garble the words around it.
		anywhere := len(sec) >= 8
		var sb strings.Builder
		rest := s
		for {
			i := strings.Index(rest, sec)
			if i < 0 {
				sb.WriteString(rest)
				break
			}
			j := i + len(sec)
			if !anywhere && ((i > 0 && isWordByte(rest[i-1])) || (j < len(rest) && isWordByte(rest[j]))) {
				sb.WriteString(rest[:j])
			} else {
				sb.WriteString(rest[:i])
				sb.WriteString("****")
			}
			rest = rest[j:]
		}
		s = sb.String()
	}
	return s
}

// isPlainWord reports whether a secret is a short lower-case word
// ("gateway"): scrubbing it would blank the same word in apimlint's own
// messages and so tell the reader what the password is. Rules never print
// secrets; the scrub is only their safety net.
func isPlainWord(s string) bool {
	if len(s) >= 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// propagateSecrets marks as secret every key whose resolved value carries
// one of the node's secrets through a placeholder (alias =
// "x$ref{keystore.primary.password}", "${admin.password}"), so that outputs
// and baselines treat the copy like the original.
func propagateSecrets(n *Node) {
	if len(n.secrets) == 0 {
		return
	}
	for _, k := range n.Keys {
		if k.secret == secretYes {
			continue
		}
	values:
		for _, v := range k.Value.Scalars() {
			if v.Kind != KindString || len(v.Placeholders) == 0 {
				continue
			}
			for _, sec := range n.secrets {
				if strings.Contains(v.Resolved, sec) {
					k.secret = secretYes
					break values
				}
			}
		}
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// IsSecretPath reports whether a key holds a secret by its name. This is
// the one place that decides it; outputs and rules ask here.
func IsSecretPath(path string) bool {
	if strings.HasPrefix(path, "secrets.") {
		return true
	}
	seg := path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		seg = path[i+1:]
	}
	seg = strings.ToLower(strings.Trim(seg, `"`))
	if i := strings.IndexByte(seg, '['); i >= 0 {
		seg = seg[:i]
	}
	switch {
	case strings.Contains(seg, "password"), strings.Contains(seg, "passwd"), strings.Contains(seg, "passphrase"):
		return true
	case seg == "secret", strings.HasSuffix(seg, "_secret"), strings.HasSuffix(seg, "secret_key"):
		return true
	case seg == "token", strings.HasSuffix(seg, "_token"), seg == "apikey", seg == "api_key", seg == "private_key":
		return true
	case seg == "key" && (strings.HasPrefix(path, "encryption.") || strings.Contains(path, "crypto")):
		return true
	}
	return false
}

// IsSecret reports whether the key's value must never be shown: by name,
// or because it holds a $secret{} reference.
func (k *Key) IsSecret() bool {
	if k == nil {
		return false
	}
	if IsSecretPath(k.Path) {
		return true
	}
	for _, ph := range k.Value.Placeholders {
		if ph.Kind == PlaceholderSecret {
			return true
		}
	}
	return false
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
	if k.IsSecret() && v.Kind == KindString {
		if isPurePlaceholder(v.Str) {
			return fmt.Sprintf("%q", v.Str)
		}
		return Redact(v.Resolved)
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
// engine can scrub any that a message still contains.
func secretValues(nodes []*Node) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range nodes {
		for _, k := range n.Keys {
			if !k.IsSecret() {
				continue
			}
			for _, v := range k.Value.Scalars() {
				for _, s := range []string{v.Str, v.Resolved} {
					if len(s) < 3 || seen[s] || isPurePlaceholder(s) {
						continue
					}
					seen[s] = true
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// scrub replaces every secret of the list that stands in s as a whole word,
// a safety net under the rules' own redaction.
func scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		if !strings.Contains(s, sec) {
			continue
		}
		var sb strings.Builder
		rest := s
		for {
			i := strings.Index(rest, sec)
			if i < 0 {
				sb.WriteString(rest)
				break
			}
			j := i + len(sec)
			if (i > 0 && isWordByte(rest[i-1])) || (j < len(rest) && isWordByte(rest[j])) {
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

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

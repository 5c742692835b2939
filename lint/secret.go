package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/apimlint/apimlint/wso2"
)

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
		if v.Kind == KindString && (wso2.HasURLPassword(v.Str) || wso2.HasURLPassword(v.Resolved)) {
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
				if len(s) < 3 || isPurePlaceholder(s) || wso2.IsPublicDefaultSecret(s) || slices.Contains(out, s) {
					continue
				}
				out = append(out, s)
			}
		}
	}
	return out
}

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

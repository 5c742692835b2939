package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/apimlint/apimlint/wso2"
)

// HashSecret returns a short salted hash of a secret, for comparing
// secrets across nodes or against a baseline without storing them.
func HashSecret(salt, s string) string {
	h := sha256.Sum256([]byte(salt + "\x00" + s))
	return "sha256:" + hex.EncodeToString(h[:8])
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
		for _, v := range k.Scalars() {
			for _, s := range [2]string{v.Str(), v.Resolved()} {
				if !plainSecret(s) || slices.Contains(out, s) {
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
// and baselines treat the copy like the original. It reports whether it
// marked any: only then can the node's list of secrets grow.
func propagateSecrets(n *Node) (marked bool) {
	if len(n.secrets) == 0 {
		return false
	}
	for _, k := range n.Keys {
		if k.IsSecret() {
			continue
		}
	values:
		for _, v := range k.Scalars() {
			if v.Kind != KindString || !v.HasPlaceholders() {
				continue
			}
			for _, sec := range n.secrets {
				if strings.Contains(v.Resolved(), sec) {
					k.MarkSecret()
					marked = true
					break values
				}
			}
		}
	}
	return marked
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// plainSecret reports whether s is a secret value outputs hide, as
// nodeSecrets decides: not a placeholder, nor a default anyone knows.
func plainSecret(s string) bool {
	return len(s) >= 3 && !wso2.IsPurePlaceholder(s) && !wso2.IsPublicDefaultSecret(s)
}

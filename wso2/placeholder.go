package wso2

import "strings"

// PlaceholderKind is the syntax of a WSO2 placeholder.
type PlaceholderKind uint8

// The placeholder syntaxes WSO2's config mapper and Carbon know, plus the
// old $conf{} form the docs still show and nothing resolves.
const (
	PlaceholderRef     PlaceholderKind = iota + 1 // $ref{a.b}: another key of the same file
	PlaceholderRuntime                            // ${name}: a Carbon system property, resolved at runtime
	PlaceholderEnv                                // $env{VAR}
	PlaceholderSys                                // $sys{prop}
	PlaceholderSecret                             // $secret{alias}: cipher-tool secret
	PlaceholderConf                               // $conf{a.b}: never resolved
)

func (k PlaceholderKind) String() string {
	switch k {
	case PlaceholderRef:
		return "$ref"
	case PlaceholderRuntime:
		return "${}"
	case PlaceholderEnv:
		return "$env"
	case PlaceholderSys:
		return "$sys"
	case PlaceholderSecret:
		return "$secret"
	case PlaceholderConf:
		return "$conf"
	}
	return "placeholder"
}

// Placeholder is one occurrence inside a string value.
type Placeholder struct {
	Name  string // what is between the braces
	Text  string // the whole placeholder as written
	Start int    // byte offset in the decoded string
	// The small fields last, so that they share a word: every value with
	// a placeholder keeps its list for the life of the node.
	Kind PlaceholderKind
	// Known is set when resolution found a static value for it.
	Known bool
}

var placeholderPrefixes = []struct {
	prefix string
	kind   PlaceholderKind
}{
	{"${", PlaceholderRuntime},
	{"$ref{", PlaceholderRef},
	{"$env{", PlaceholderEnv},
	{"$sys{", PlaceholderSys},
	{"$secret{", PlaceholderSecret},
	{"$conf{", PlaceholderConf},
}

// ScanPlaceholders finds the placeholders in s. A '$' that starts none of
// the known forms, or an unterminated one, is plain text.
func ScanPlaceholders(s string) []Placeholder { return AppendPlaceholders(nil, s) }

// AppendPlaceholders appends the placeholders of s to dst, as
// ScanPlaceholders finds them: loading resolves every value of every node
// with a buffer on its stack.
func AppendPlaceholders(dst []Placeholder, s string) []Placeholder {
	EachPlaceholder(s, func(ph Placeholder) bool {
		dst = append(dst, ph)
		return true
	})
	return dst
}

// EachPlaceholder calls yield with the placeholders of s in order, as
// ScanPlaceholders finds them, until yield returns false; it allocates
// nothing, for the checks that run on every value of every node.
func EachPlaceholder(s string, yield func(Placeholder) bool) {
	for i := 0; ; {
		ph, ok := nextPlaceholder(s, i)
		if !ok || !yield(ph) {
			return
		}
		i = ph.Start + len(ph.Text)
	}
}

// nextPlaceholder finds the first placeholder of s at or after from,
// without allocating: HasPlaceholder and IsPurePlaceholder run on every
// secret and URL of every node.
func nextPlaceholder(s string, from int) (Placeholder, bool) {
	for i := from; i < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		for _, p := range placeholderPrefixes {
			if !strings.HasPrefix(s[i:], p.prefix) {
				continue
			}
			end := strings.IndexByte(s[i+len(p.prefix):], '}')
			if end < 0 {
				break
			}
			name := s[i+len(p.prefix) : i+len(p.prefix)+end]
			text := s[i : i+len(p.prefix)+end+1]
			return Placeholder{Kind: p.kind, Name: strings.TrimSpace(name), Text: text, Start: i}, true
		}
	}
	return Placeholder{}, false
}

// HasPlaceholder reports whether s holds any placeholder.
func HasPlaceholder(s string) bool {
	if strings.IndexByte(s, '$') < 0 {
		return false
	}
	_, ok := nextPlaceholder(s, 0)
	return ok
}

// IsPurePlaceholder reports whether s is one $secret/$env/$sys/$ref/${}
// placeholder and nothing else: such a value names where the secret
// lives and is safe to show.
func IsPurePlaceholder(s string) bool {
	// Most values are not: decided without scanning (it ran on every
	// secret value of every node).
	if len(s) < 4 || s[0] != '$' || s[len(s)-1] != '}' {
		return false
	}
	ph, ok := nextPlaceholder(s, 0)
	return ok && ph.Text == s
}

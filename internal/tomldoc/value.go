package tomldoc

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/wso2"
)

// ValueKind is the TOML type of a value.
type ValueKind uint8

// The kinds of TOML values. Inline tables are flattened into keys, so
// KindTable only appears as an element of an array of inline tables.
const (
	KindString ValueKind = iota + 1
	KindInteger
	KindFloat
	KindBool
	KindDateTime
	KindArray
	KindTable
)

var kindNames = [...]string{"", "string", "integer", "float", "boolean", "datetime", "array", "table"}

func (k ValueKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// ResolveState is how far placeholder resolution got with a value.
type ResolveState uint8

// The states of resolution.
const (
	Unresolved ResolveState = iota
	Resolving
	Resolved
)

// Value is one TOML value with its position and, for strings, the result
// of placeholder resolution.
type Value struct {
	// The small fields come first so that they share one word.
	Kind ValueKind
	Bool bool
	// Symbolic is set when Resolved still holds a placeholder (see Resolved).
	Symbolic bool
	// Resolution is how far placeholder resolution got (package lint
	// resolves).
	Resolution ResolveState
	nested     bool // KindArray with arrays or tables inside

	Raw   string // the value as written in the file
	Str   string // decoded string (KindString), else the raw text
	Int   int64
	Float float64
	Elems []*Value // KindArray
	Pos   Position

	// Resolved is the string after placeholder resolution. Placeholders that
	// cannot be known statically ($env{}, $sys{}, $secret{}, unknown ${})
	// stay in it as written, and Symbolic is set.
	Resolved     string
	Placeholders []wso2.Placeholder

	self [1]*Value // Scalars of a scalar, without allocating on every call
}

// Text returns the value as a string after resolution: the resolved string
// for strings, the literal text for other scalars.
func (v *Value) Text() string {
	if v == nil {
		return ""
	}
	if v.Kind == KindString {
		return v.Resolved
	}
	return v.Str
}

// Strings returns the resolved texts of an array's elements, or the value
// itself as a one-element list when it is a scalar.
func (v *Value) Strings() []string {
	if v == nil {
		return nil
	}
	if v.Kind != KindArray {
		return []string{v.Text()}
	}
	out := make([]string, 0, len(v.Elems))
	for _, e := range v.Elems {
		if e.Kind != KindArray && e.Kind != KindTable {
			out = append(out, e.Text())
		}
	}
	return out
}

// Scalars returns the array's scalar elements, or the value itself.
func (v *Value) Scalars() []*Value {
	if v == nil {
		return nil
	}
	if v.Kind != KindArray {
		if v.self[0] == v {
			return v.self[:]
		}
		return []*Value{v}
	}
	if !v.nested {
		return v.Elems // callers only read it
	}
	out := make([]*Value, 0, len(v.Elems))
	for _, e := range v.Elems {
		if e.Kind != KindArray && e.Kind != KindTable {
			out = append(out, e)
		}
	}
	return out
}

// Interface returns the resolved value as plain Go data: string, int64,
// float64, bool or []any.
func (v *Value) Interface() any {
	switch v.Kind {
	case KindString:
		return v.Resolved
	case KindInteger:
		return v.Int
	case KindFloat:
		return v.Float
	case KindBool:
		return v.Bool
	case KindArray:
		out := make([]any, len(v.Elems))
		for i, e := range v.Elems {
			out[i] = e.Interface()
		}
		return out
	case KindTable:
		return map[string]any{}
	default:
		return v.Str
	}
}

// Int64 returns the value as an integer, accepting WSO2's habit of writing
// numbers as strings (`port = "3306"`).
func (v *Value) Int64() (int64, bool) {
	if v == nil {
		return 0, false
	}
	switch v.Kind {
	case KindInteger:
		return v.Int, true
	case KindString:
		if v.Symbolic {
			return 0, false
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v.Resolved), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// Truthy returns the value as a boolean, accepting "true"/"false" strings.
func (v *Value) Truthy() (value, ok bool) {
	if v == nil {
		return false, false
	}
	switch v.Kind {
	case KindBool:
		return v.Bool, true
	case KindString:
		switch strings.ToLower(strings.TrimSpace(v.Resolved)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// QuoteTOML renders s as a TOML basic string, escaping quotes, backslashes
// and control characters.
func QuoteTOML(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

package lint

import "github.com/apimlint/apimlint/internal/tomldoc"

// A node file parsed with positions is package tomldoc's; rules see it
// through these names.
type (
	// Position is a place in a file (1-based line and column).
	Position = tomldoc.Position
	// SyntaxError is a TOML error with its position.
	SyntaxError = tomldoc.SyntaxError
	// Comment is one # comment with its position.
	Comment = tomldoc.Comment
	// Table is a table header as written.
	Table = tomldoc.Table
	// Key is one key of a node file with its value.
	Key = tomldoc.Key
	// Value is one TOML value with its position and resolution.
	Value = tomldoc.Value
	// ValueKind is the TOML type of a value.
	ValueKind = tomldoc.ValueKind
)

// The kinds of TOML values.
const (
	KindString   = tomldoc.KindString
	KindInteger  = tomldoc.KindInteger
	KindFloat    = tomldoc.KindFloat
	KindBool     = tomldoc.KindBool
	KindDateTime = tomldoc.KindDateTime
	KindArray    = tomldoc.KindArray
	KindTable    = tomldoc.KindTable
)

// QuoteTOML writes s as a TOML basic string.
func QuoteTOML(s string) string { return tomldoc.QuoteTOML(s) }

// Redact describes a secret without revealing it.
func Redact(s string) string { return tomldoc.Redact(s) }

// Shape describes a value without revealing it.
func Shape(v *Value) string { return tomldoc.Shape(v) }

// StringValue returns a string value with no position, resolved to itself.
func StringValue(s string) *Value { return tomldoc.StringValue(s) }

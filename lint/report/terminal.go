package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// TerminalSafe escapes the control characters of s (C0, DEL, C1, and
// newlines) as \xNN or \uNNNN, so that a file name or value holding an
// escape sequence cannot move the cursor, recolour or retitle the terminal
// that shows a text report, and cannot forge a line of it.
func TerminalSafe(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

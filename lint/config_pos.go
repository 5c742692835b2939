package lint

import (
	"bytes"
	"strings"
)

// entryLine finds where key is assigned in the nth (0-based) occurrence of
// a [[header]] array table, or the header's own line when the key is not
// written there; 0 when there is no such entry.
func entryLine(data []byte, header string, nth int, key string) int {
	lines := bytes.Split(data, []byte("\n"))
	seen := -1
	for i, l := range lines {
		if tableHeader(l) != header {
			continue
		}
		seen++
		if seen != nth {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			if tableHeader(lines[j]) != "" {
				break
			}
			if assignsKey(lines[j], key) {
				return j + 1
			}
		}
		return i + 1
	}
	return 0
}

// assignLine finds the first line that assigns key (key = ...), or 0.
func assignLine(data []byte, key string) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if assignsKey(l, key) {
			return i + 1
		}
	}
	return 0
}

func tableHeader(line []byte) string {
	t := strings.TrimSpace(string(line))
	if i := strings.IndexByte(t, '#'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	if !strings.HasPrefix(t, "[") {
		return ""
	}
	return strings.ReplaceAll(t, " ", "")
}

func assignsKey(line []byte, key string) bool {
	t := strings.TrimSpace(string(line))
	k, _, ok := strings.Cut(t, "=")
	if !ok {
		return false
	}
	k = strings.Trim(strings.TrimSpace(k), `"'`)
	return k == key
}

package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strconv"
	"strings"
)

// Fingerprint identifies a finding across commits: its rule, node, key
// path and the shape of the value there, never its line or the value
// itself, so an edit above the finding keeps it the same and a secret
// never reaches a fingerprint.
func Fingerprint(fl *Fleet, f Finding) string {
	node := f.Node
	if node == "" {
		node = filepath.ToSlash(f.File)
	}
	shape := ""
	if fl != nil && f.Key != "" {
		if n := fl.Node(f.Node); n != nil {
			if k := n.Get(f.Key); k != nil {
				shape = Shape(k.Value)
			}
		}
	}
	h := sha256.Sum256([]byte(strings.Join([]string{f.Rule, node, f.Key, shape}, "\x00")))
	return hex.EncodeToString(h[:16])
}

// Fingerprints returns one fingerprint per finding, in order. Two findings
// with the same fingerprint (two elements of one array) are kept apart by
// a suffix :2, :3 ... in the order given, so sorted findings get stable
// fingerprints.
func Fingerprints(fl *Fleet, fs []Finding) []string {
	out := make([]string, len(fs))
	seen := map[string]int{}
	for i, f := range fs {
		fp := Fingerprint(fl, f)
		seen[fp]++
		if n := seen[fp]; n > 1 {
			fp += ":" + strconv.Itoa(n)
		}
		out[i] = fp
	}
	return out
}

// baseFingerprint strips the duplicate suffix of a fingerprint.
func baseFingerprint(fp string) string {
	base, _, _ := strings.Cut(fp, ":")
	return base
}

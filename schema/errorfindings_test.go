package schema

import (
	"strings"
	"testing"
)

// A policy in another package is refused by apimlint, not by CUE; the
// finding must still say why.
func TestErrorFindingsOfAPolicyInAnotherPackage(t *testing.T) {
	_, err := Compile(append(BuiltinSources(), Source{Name: "policy.cue", Data: []byte("package other\nx: 1\n")}))
	if err == nil {
		t.Fatal("a policy in another package compiled")
	}
	fs := ErrorFindings(err)
	if len(fs) == 0 {
		t.Fatal("no finding")
	}
	for _, f := range fs {
		if !strings.Contains(f.Message, "package other") {
			t.Errorf("finding %q does not say why", f.Message)
		}
	}
}

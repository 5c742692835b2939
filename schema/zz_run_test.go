package schema_test

import (
	"fmt"
	"testing"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/schema"
)

func TestZZRun(t *testing.T) {
	s, err := schema.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	f, err := lint.Load([]string{"/work/shared/corpus"}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range f.Nodes {
		for _, x := range s.Check(n) {
			fmt.Printf("%s\t%s:%d:%d: %s: %s\n", x.Rule, n.Rel, x.Line, x.Column, x.Severity, x.Message)
		}
	}
}

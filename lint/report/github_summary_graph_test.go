package report

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// TestStepSummaryTopology: a failing fleet's step summary carries its
// Mermaid picture with the broken link marked; a clean one none.
func TestStepSummaryTopology(t *testing.T) {
	for _, c := range []struct {
		fleet   string
		picture bool
	}{{"../../testdata/seed-ha", true}, {"../../testdata/seed-ha-fixed", false}} {
		fl, err := lint.Load([]string{c.fleet}, lint.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := lint.Run(context.Background(), fl, rules.All(), lint.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := GitHubStepSummary(&buf, res, Options{}); err != nil {
			t.Fatal(err)
		}
		got := buf.String()
		has := strings.Contains(got, "```mermaid") && strings.Contains(got, "event-duplicate-url")
		if has != c.picture {
			t.Errorf("%s: picture with the broken link = %v, want %v:\n%s", c.fleet, has, c.picture, got)
		}
	}
}

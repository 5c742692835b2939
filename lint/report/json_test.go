package report

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// JSON streams the document a node and a finding at a time; the bytes
// must be exactly what encoding the whole document gave (the JSON
// contract and every golden file depend on them).
func TestJSONStreamsLikeEncoder(t *testing.T) {
	fleet, err := lint.LoadFS(testFleet, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	withFindings, err := lint.Run(context.Background(), fleet, append(rules.All(), testRules...), lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(withFindings.Findings) == 0 {
		t.Fatal("the test fleet gave no findings")
	}
	// Text that the encoder escapes (HTML, control characters, U+2028).
	odd := *withFindings
	odd.Findings = append([]lint.Finding(nil), withFindings.Findings...)
	odd.Findings[0].Message = "<a & b>\u2028\t\"q\""
	odd.Root = "root <&>"
	empty := &lint.Result{Root: ".", Fleet: &lint.Fleet{}}
	estate := *withFindings
	estate.Fleets = []lint.FleetSummary{{Name: "prod", Root: "envs/prod"}, {Name: "dev", Root: "envs/dev"}}
	for name, r := range map[string]*lint.Result{"findings": withFindings, "escaped": &odd, "empty": empty, "estate": &estate} {
		t.Run(name, func(t *testing.T) {
			var want, got bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			if err := enc.Encode(NewJSONResult(r)); err != nil {
				t.Fatal(err)
			}
			if err := JSON(&got, r, Options{}); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("streamed JSON differs from the encoder's:\n%s\nwant:\n%s", got.String(), want.String())
			}
		})
	}
}

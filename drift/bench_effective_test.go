package drift

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
)

// BenchmarkCompareDefaults is drift's worst case for effective values:
// every node of the fleet left out keys the baseline recorded (with the
// values their defaults have), so each one is looked up in the
// catalogue. Compared with WrittenOnly (no lookups) and at two sizes, it
// shows the lookups cost a constant per key, not a pass over the fleet.
func BenchmarkCompareDefaults(b *testing.B) {
	extra := []KeyRecord{
		{Path: "apim.cache.gateway_token.enable", Kind: "boolean", Value: json.RawMessage("true")},
		{Path: "apim.event_hub.event_type", Kind: "string", Value: json.RawMessage(`"Binary"`)},
		{Path: "apim.jwt.enable", Kind: "boolean", Value: json.RawMessage("false")},
	}
	for _, size := range []int{1000, 3000} {
		f, err := lint.LoadFS(fleetgen.MapFS(fleetgen.Sized(size)), ".", lint.LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		base, err := Record(f, RecordOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for i := range base.Nodes {
			n := &base.Nodes[i]
			for _, e := range extra {
				if f.Node(n.Name).Get(e.Path) == nil {
					n.Keys = append(n.Keys, e)
				}
			}
		}
		for _, mode := range []struct {
			name string
			opts Options
		}{{"effective", Options{}}, {"written", Options{WrittenOnly: true}}} {
			b.Run(fmt.Sprintf("%s-%d", mode.name, size), func(b *testing.B) {
				for b.Loop() {
					got := Compare(base, f, mode.opts)
					if mode.opts.WrittenOnly != (len(got) > 0) {
						b.Fatalf("%s: %d findings, first: %s %s", mode.name, len(got), got[0].Node, got[0].Message)
					}
				}
			})
		}
	}
}

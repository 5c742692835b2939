package rules

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
)

// benchFleet is fleetgen's fleet of n nodes (four control planes and four
// traffic managers in HA, the rest gateways, all agreeing, so the rules do
// their full work and report nothing) with a second gateway environment,
// Sandbox, that every tenth gateway serves: gateway-labels then has more
// than one label to match.
func benchFleet(b *testing.B, n int) fstest.MapFS {
	const label = `gateway_labels = ["Default"]`
	fsys := fleetgen.MapFS(fleetgen.Sized(n))
	for name, f := range fsys {
		src := string(f.Data)
		var gw int
		switch {
		case strings.Contains(src, `server_role = "control-plane"`):
			src += `
[[apim.gateway.environment]]
name = "Sandbox"
type = "sandbox"
service_url = "https://gw-sbx.example.com/services/"
https_endpoint = "https://gw-sbx.example.com"
`
		case strings.HasPrefix(name, "apim-gw-"):
			if _, err := fmt.Sscanf(name, "apim-gw-%d/", &gw); err != nil || !strings.Contains(src, label) {
				b.Fatalf("%s: not the gateway fleetgen used to write (%v)", name, err)
			}
			if gw%10 == 0 {
				src = strings.Replace(src, label, `gateway_labels = ["Sandbox"]`, 1)
			}
		}
		f.Data = []byte(src)
	}
	return fsys
}

func consistencySelection(b *testing.B) []*lint.Rule {
	var sel []*lint.Rule
	for _, id := range consistencyRules {
		r, ok := Get(id)
		if !ok {
			b.Fatalf("rule %s not registered", id)
		}
		sel = append(sel, r)
	}
	return sel
}

// BenchmarkConsistencyLoad is the yardstick: loading the generated fleet.
func BenchmarkConsistencyLoad(b *testing.B) {
	for _, n := range []int{300, 3000} {
		fsys := benchFleet(b, n)
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := lint.LoadFS(fsys, ".", lint.LoadOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConsistencyRules runs this package's fleet-consistency rules on
// the loaded fleet: "engine" through lint.Run (which also sorts findings
// and scans the fleet's secrets to scrub messages), "all" and each rule
// alone by calling the rule's Run directly. They must cost less than
// loading the fleet.
func BenchmarkConsistencyRules(b *testing.B) {
	sel := consistencySelection(b)
	for _, n := range []int{300, 3000} {
		f, err := lint.LoadFS(benchFleet(b, n), ".", lint.LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("nodes=%d/engine", n), func(b *testing.B) {
			for b.Loop() {
				res, err := lint.Run(context.Background(), f, sel, lint.RunOptions{Parallelism: 1})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Findings) != 0 {
					b.Fatalf("the generated fleet is correct, but got %d findings, first: %s: %s", len(res.Findings), res.Findings[0].Rule, res.Findings[0].Message)
				}
			}
		})
		direct := func(b *testing.B, rules []*lint.Rule) {
			for b.Loop() {
				for _, r := range rules {
					r.Run(&lint.Pass{Fleet: f, Rule: r})
				}
			}
		}
		b.Run(fmt.Sprintf("nodes=%d/all", n), func(b *testing.B) { direct(b, sel) })
		for _, r := range sel {
			b.Run(fmt.Sprintf("nodes=%d/%s", n, r.ID), func(b *testing.B) { direct(b, []*lint.Rule{r}) })
		}
	}
}

package lint_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

var benchSizes = []int{30, 300, 3000}

// BenchmarkDecodeFloor is the budget's yardstick: go-toml alone decoding
// the same files into map[string]any.
func BenchmarkDecodeFloor(b *testing.B) {
	for _, n := range benchSizes {
		files := fleetgen.Generate(fleetgen.Sized(n))
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			for b.Loop() {
				for _, f := range files {
					var m map[string]any
					if err := toml.Unmarshal(f.Data, &m); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkLoad parses, resolves and models every node of a generated fleet.
func BenchmarkLoad(b *testing.B) {
	for _, n := range benchSizes {
		files := fleetFiles(n)
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := lint.LoadFiles("fleet", files, lint.LoadOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLint loads a generated fleet and runs every rule on it.
func BenchmarkLint(b *testing.B) { benchLint(b, rules.All()) }

// benchLint loads each generated fleet and runs the rules on it.
func benchLint(b *testing.B, rs []*lint.Rule) {
	for _, n := range benchSizes {
		files := fleetFiles(n)
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			for b.Loop() {
				f, err := lint.LoadFiles("fleet", files, lint.LoadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := lint.Run(context.Background(), f, rs, lint.RunOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fleetFiles generates a fleet in memory: the benchmarks measure apimlint,
// not a file system.
func fleetFiles(n int) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range fleetgen.Generate(fleetgen.Sized(n)) {
		m[f.Path] = f.Data
	}
	return m
}

// BenchmarkLintFoundation is the foundation's budget: load plus its five
// rules (syntax, placeholders, roles, gateway IDs, admin password).
func BenchmarkLintFoundation(b *testing.B) {
	var rs []*lint.Rule
	for _, id := range []string{"toml-syntax", "unresolved-placeholder", "role-unknown", "gateway-id-unique", "default-admin-password"} {
		r, ok := rules.Get(id)
		if !ok {
			b.Fatalf("no rule %s", id)
		}
		rs = append(rs, r)
	}
	benchLint(b, rs)
}

// BenchmarkShapes is issue 17's yardstick in-process: both generator
// shapes at 3,000, 10,000 and 20,000 nodes, each with the go-toml decode
// floor of the same files, so that ratios come from one run. (The CLI's
// wall time and peak RSS come from `go run ./scripts/perftable`.)
//
//	go test ./lint -run '^$' -bench BenchmarkShapes -benchtime 3x
func BenchmarkShapes(b *testing.B) {
	shapes := []struct {
		name string
		spec func(int) fleetgen.Spec
	}{{"fleetgen", fleetgen.Sized}, {"wide", fleetgen.Wide}}
	for _, sh := range shapes {
		for _, n := range []int{3000, 10000, 20000} {
			gen := fleetgen.Generate(sh.spec(n))
			files := map[string][]byte{}
			for _, f := range gen {
				files[f.Path] = f.Data
			}
			b.Run(fmt.Sprintf("%s/nodes=%d/floor", sh.name, n), func(b *testing.B) {
				for b.Loop() {
					for _, f := range gen {
						var m map[string]any
						if err := toml.Unmarshal(f.Data, &m); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
			b.Run(fmt.Sprintf("%s/nodes=%d/lint", sh.name, n), func(b *testing.B) {
				for b.Loop() {
					f, err := lint.LoadFiles("fleet", files, lint.LoadOptions{})
					if err != nil {
						b.Fatal(err)
					}
					if _, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

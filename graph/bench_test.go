package graph_test

import (
	"context"
	"io"
	"testing"

	"github.com/apimlint/apimlint/graph"
	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// BenchmarkGraph builds the picture of a linted 3,000-node generated fleet
// (links, findings, summaries) and writes it in every format. Loading and
// linting are outside the loop: BenchmarkLint in ./lint times them.
func BenchmarkGraph(b *testing.B) {
	f, err := lint.LoadFS(fleetgen.MapFS(fleetgen.Sized(3000)), ".", lint.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	res, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			graph.Build(res, graph.Options{})
		}
	})
	for _, format := range graph.Formats {
		b.Run("build+"+format, func(b *testing.B) {
			for b.Loop() {
				if err := graph.Write(io.Discard, graph.Build(res, graph.Options{}), format); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package report

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// BenchmarkWriters writes the result of every rule over generated fleets
// in each format, with the suppression processors applied.
func BenchmarkWriters(b *testing.B) {
	for _, n := range []int{30, 300} {
		fl, err := lint.LoadFS(fleetgen.MapFS(fleetgen.Sized(n)), ".", lint.LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		all := rules.All()
		res, err := lint.Run(context.Background(), fl, all, lint.RunOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for _, name := range []string{"sarif", "junit", "github", "text"} {
			w, _ := Get(name)
			b.Run(fmt.Sprintf("%s/nodes=%d/findings=%d", name, n, len(res.Findings)), func(b *testing.B) {
				for b.Loop() {
					if err := w(io.Discard, res, Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(fmt.Sprintf("chain/nodes=%d", n), func(b *testing.B) {
			linter := lint.Linter{Rules: all}
			for b.Loop() {
				if _, err := linter.Process(context.Background(), fl, res.Findings); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package tomldoc

import (
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/apimlint/apimlint/internal/fleetgen"
)

// BenchmarkParse parses generated node files with positions and canonical
// paths; "floor" decodes the same files with go-toml into maps, the
// decode floor the README's performance table divides by.
func BenchmarkParse(b *testing.B) {
	files := fleetgen.Generate(fleetgen.Sized(50))
	b.Run("tomldoc", func(b *testing.B) {
		sc := NewScratch()
		b.ReportAllocs()
		for range b.N {
			for _, f := range files {
				Parse(f.Path, f.Data, sc)
			}
		}
	})
	b.Run("floor", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			for _, f := range files {
				var m map[string]any
				if err := toml.Unmarshal(f.Data, &m); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

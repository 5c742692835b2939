package lint_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// estateSizes are (fleets, nodes per fleet): 1,000 and 10,000 nodes.
var estateSizes = [][2]int{{40, 25}, {400, 25}}

func estateOnDisk(b *testing.B, fleets, per int) string {
	b.Helper()
	dir := b.TempDir()
	if err := fleetgen.WriteEstate(dir, fleets, per); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkEstateDecodeFloor is the yardstick: go-toml alone decoding
// every file of the estate (read from disk) into map[string]any.
func BenchmarkEstateDecodeFloor(b *testing.B) {
	for _, s := range estateSizes {
		dir := estateOnDisk(b, s[0], s[1])
		var files []string
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, p)
			}
			return err
		})
		b.Run(fmt.Sprintf("nodes=%d", s[0]*s[1]), func(b *testing.B) {
			for b.Loop() {
				for _, p := range files {
					data, err := os.ReadFile(p)
					if err != nil {
						b.Fatal(err)
					}
					var m map[string]any
					if err := toml.Unmarshal(data, &m); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkEstateLint discovers the fleets of a generated estate (copies
// of one fleet with the same host names) and lints them one by one, as the
// CLI does: folders are linted while discovery reads them ("while"), or
// read again once discovery is done ("after").
func BenchmarkEstateLint(b *testing.B) {
	rs := rules.All()
	for _, s := range estateSizes {
		dir := estateOnDisk(b, s[0], s[1])
		for _, while := range []bool{true, false} {
			name := fmt.Sprintf("nodes=%d/after", s[0]*s[1])
			if while {
				name = fmt.Sprintf("nodes=%d/while", s[0]*s[1])
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					l := &lint.Linter{Rules: rs}
					discover := lint.DiscoverEstate
					if while {
						discover = l.DiscoverEstate
					}
					e, err := discover(dir, lint.LoadOptions{})
					if err != nil {
						b.Fatal(err)
					}
					if len(e.Fleets) != s[0] {
						b.Fatalf("%d fleets, want %d", len(e.Fleets), s[0])
					}
					if _, err := l.LintEstate(context.Background(), e, lint.EstateRunOptions{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestWriteEstate writes a generated estate for measuring the CLI (peak
// RSS with /usr/bin/time -v) when APIMLINT_WRITE_ESTATE=DIR:FLEETS:NODES.
func TestWriteEstate(t *testing.T) {
	spec := os.Getenv("APIMLINT_WRITE_ESTATE")
	if spec == "" {
		t.Skip("set APIMLINT_WRITE_ESTATE=DIR:FLEETS:NODES to write an estate")
	}
	parts := strings.Split(spec, ":")
	if len(parts) != 3 {
		t.Fatalf("want DIR:FLEETS:NODES, got %q", spec)
	}
	dir := parts[0]
	fleets, err1 := strconv.Atoi(parts[1])
	per, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil {
		t.Fatalf("want DIR:FLEETS:NODES, got %q", spec)
	}
	if err := fleetgen.WriteEstate(dir, fleets, per); err != nil {
		t.Fatal(err)
	}
	e, err := lint.DiscoverEstate(dir, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Fleets) != fleets {
		t.Fatalf("%d fleets discovered, want %d", len(e.Fleets), fleets)
	}
}

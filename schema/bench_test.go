package schema_test

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
	"github.com/apimlint/apimlint/schema"
)

// writeBenchFleet writes fleetgen's fleet of n nodes below dir, each node
// with a TLS keystore of its own and one of seven database servers: the
// schema memoises verdicts by value, so values that vary per node keep the
// benchmark from measuring only cache hits.
func writeBenchFleet(tb testing.TB, dir string, n int) {
	tb.Helper()
	const tls = `[keystore.tls]
file_name = "apim-primary.jks"
type = "JKS"
password = "$secret{keystore_password}"
alias = "apim-primary"
`
	for i, f := range fleetgen.Generate(fleetgen.Sized(n)) {
		node := path.Dir(f.Path)
		src := string(f.Data)
		if !strings.Contains(src, tls) {
			tb.Fatalf("%s: fleetgen no longer writes the TLS keystore this benchmark varies", f.Path)
		}
		src = strings.Replace(src, tls, fmt.Sprintf(`[keystore.tls]
file_name = "%[1]s.p12"
type = "PKCS12"
password = "$secret{keystore_password}"
alias = "%[1]s"
`, node), 1)
		src = strings.ReplaceAll(src, `hostname = "db.apim.internal"`, fmt.Sprintf(`hostname = "db-%d.apim.internal"`, i%7))
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// benchSizes are a subset of lint's: the budget's floor, go-toml alone on
// fleetgen.Sized(n), is lint's BenchmarkDecodeFloor.
var benchSizes = []int{300, 3000}

// cpuTime is the process's user and system time: the machine is shared, so
// wall time says more about the neighbours than about apimlint.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// report adds ns/node (wall) and cpu-ns/node to a benchmark's result.
func report(b *testing.B, n int, cpu0 time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/node")
	b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/node")
}

// BenchmarkSchema measures schema validation alone (the three rules'
// shared pass) on already loaded fleets.
func BenchmarkSchema(b *testing.B) {
	if _, err := schema.Builtin(); err != nil {
		b.Fatal(err)
	}
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			writeBenchFleet(b, dir, n)
			f, err := lint.Load([]string{dir}, lint.LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			findings := 0
			b.ResetTimer()
			cpu0 := cpuTime(b)
			for b.Loop() {
				findings = len(schema.Check(f))
			}
			report(b, n, cpu0)
			if findings != 0 {
				b.Fatalf("the benchmark fleet should be clean; %d schema findings", findings)
			}
		})
	}
}

// BenchmarkFullRun measures what `apimlint` does: load and parse every
// file, then run every rule (schema included).
func BenchmarkFullRun(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			writeBenchFleet(b, dir, n)
			all := rules.All()
			b.ResetTimer()
			cpu0 := cpuTime(b)
			for b.Loop() {
				f, err := lint.Load([]string{dir}, lint.LoadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := lint.Run(context.Background(), f, all, lint.RunOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			report(b, n, cpu0)
		})
	}
}

// BenchmarkLoadSchema measures the schema's share of a run: load and parse
// every file, then validate it, without the other rules.
func BenchmarkLoadSchema(b *testing.B) {
	if _, err := schema.Builtin(); err != nil {
		b.Fatal(err)
	}
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			writeBenchFleet(b, dir, n)
			b.ResetTimer()
			cpu0 := cpuTime(b)
			for b.Loop() {
				f, err := lint.Load([]string{dir}, lint.LoadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if fs := schema.Check(f); len(fs) != 0 {
					b.Fatalf("%d schema findings on the benchmark fleet", len(fs))
				}
			}
			report(b, n, cpu0)
		})
	}
}

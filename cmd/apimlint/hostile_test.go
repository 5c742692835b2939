package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// hostileFiles are tiny node files that once exhausted memory or CPU
// (issue 13, item 5). Each must lint quickly, as findings with positions.
func hostileFiles() map[string]string {
	var doubling strings.Builder
	doubling.WriteString("[server]\nhostname = \"gw.example.com\"\n[x]\nk0 = \"abcdefgh\"\n")
	for i := 1; i < 40; i++ {
		doubling.WriteString("k" + strconv.Itoa(i) + ` = "$ref{x.k` + strconv.Itoa(i-1) + `}$ref{x.k` + strconv.Itoa(i-1) + "}\"\n")
	}
	var manyKeys strings.Builder
	manyKeys.WriteString("[t]\n")
	for i := range 100_000 {
		manyKeys.WriteString("k" + strconv.Itoa(i) + " = " + strconv.Itoa(i) + "\n")
	}
	var manySups strings.Builder
	manySups.WriteString("[t]\n")
	for i := range 20_000 {
		manySups.WriteString("# apimlint:ignore plaintext-secret -- reviewed\nk" + strconv.Itoa(i) + " = \"v\"\n")
	}
	return map[string]string{
		"doubling":    doubling.String(),
		"carbon-host": "[server]\nhostname = \"" + strings.Repeat("${carbon.host}", 5000) + "\"\n",
		"key-100k":    "a" + strings.Repeat(".a", 100_000) + " = 1\n",
		"table-100k":  "[" + strings.Repeat("a.", 100_000) + "a]\nx = 1\n",
		"deep-arrays": "x = " + strings.Repeat("[{a = ", 4000) + "1" + strings.Repeat("}]", 4000) + "\n",
		"keys-100k":   manyKeys.String(),
		"sups-20k":    manySups.String(),
	}
}

func lintHostile(tb testing.TB, name, src string) []lint.Finding {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, lint.NodeFileName), []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
	f, err := lint.Load([]string{dir}, lint.LoadOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	res, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return res.Findings
}

// TestHostileFilesAreFindings: every bound is a finding with a position,
// never an allocation of the size the file asks for.
func TestHostileFilesAreFindings(t *testing.T) {
	want := map[string]string{
		"doubling":    "expand it to more than",
		"key-100k":    "more than 64 dotted parts",
		"table-100k":  "more than 64 dotted parts",
		"deep-arrays": "nested more than 32 deep",
	}
	for name, src := range hostileFiles() {
		t.Run(name, func(t *testing.T) {
			fs := lintHostile(t, name, src)
			part, ok := want[name]
			if !ok {
				return
			}
			for _, f := range fs {
				if strings.Contains(f.Message, part) {
					if f.Line < 1 || f.Column < 1 {
						t.Errorf("finding without a position: %+v", f)
					}
					return
				}
			}
			t.Errorf("no finding says %q: %v", part, fs)
		})
	}
}

// TestHostileFilesBudget asserts the time budget of item 5 (each hostile
// file lints in well under a second) when APIMLINT_HOSTILE_BUDGET is set:
// wall-clock limits do not belong in a plain go test on a shared machine.
func TestHostileFilesBudget(t *testing.T) {
	if os.Getenv("APIMLINT_HOSTILE_BUDGET") == "" {
		t.Skip("set APIMLINT_HOSTILE_BUDGET=1 to check the time budget")
	}
	for name, src := range hostileFiles() {
		start := time.Now()
		lintHostile(t, name, src)
		took := time.Since(start)
		t.Logf("%-12s %v", name, took)
		if took > 750*time.Millisecond {
			t.Errorf("%s took %v, want well under a second", name, took)
		}
	}
}

func BenchmarkHostileFiles(b *testing.B) {
	for name, src := range hostileFiles() {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				lintHostile(b, name, src)
			}
		})
	}
}

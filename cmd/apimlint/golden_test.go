package main

import (
	"os"
	"path/filepath"
	"testing"
)

// checkGolden compares out with the golden file testdata/golden/NAME, or
// rewrites it under -update; test names the test that -update must run.
func checkGolden(t *testing.T, name, out, test string) {
	t.Helper()
	golden := filepath.Join(repoTestdata, "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/apimlint -run %s -update)", err, test)
	}
	if string(want) != out {
		t.Errorf("output differs from %s (go test ./cmd/apimlint -run %s -update rewrites it):\n%s", golden, test, diffLines(string(want), out))
	}
}

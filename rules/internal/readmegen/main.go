// Command readmegen rewrites the rule table of the README from the rule
// registry: `go generate ./rules` runs it. The README test fails when the
// table is stale, and says to run it.
package main

import (
	"fmt"
	"os"

	"github.com/apimlint/apimlint/rules"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: readmegen README.md")
		os.Exit(2)
	}
	path := os.Args[1]
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "readmegen: %v\n", err)
		os.Exit(1)
	}
	out, err := rules.ReplaceTable(string(data))
	if err != nil {
		fmt.Fprintf(os.Stderr, "readmegen: %s: %v\n", path, err)
		os.Exit(1)
	}
	if out == string(data) {
		return
	}
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "readmegen: %v\n", err)
		os.Exit(1)
	}
}

// Command treegen compiles apimlint's built-in CUE schemas into the form
// the binary embeds (schema/builtin.tree), so that linting evaluates no
// CUE: `go generate ./schema` runs it. TestBuiltinTreeFresh fails while
// the file is stale, and says to run it.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/apimlint/apimlint/schema"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: treegen builtin.tree")
		os.Exit(2)
	}
	path := os.Args[1]
	out, err := schema.BuiltinTree()
	if err != nil {
		fmt.Fprintf(os.Stderr, "treegen: compile the built-in CUE: %v\n", err)
		os.Exit(1)
	}
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, out) {
		return
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "treegen: %v\n", err)
		os.Exit(1)
	}
}

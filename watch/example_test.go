package watch_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
	"github.com/apimlint/apimlint/watch"
)

// Run a watcher with a context and a callback: the initial state comes
// first, then only the findings that appear or are resolved.
func Example() {
	dir, err := os.MkdirTemp("", "watch-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "gw-1", "deployment.toml")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("[server]\nhostname = \"gw-1\"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	syntax, _ := rules.Get(lint.RuleTOMLSyntax)

	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan watch.Event, 16)
	w, err := watch.New(watch.Options{Root: dir, Rules: []*lint.Rule{syntax}, Debounce: 20 * time.Millisecond,
		OnEvent: func(e watch.Event) { events <- e }})
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()

	// waitFor prints events until one of this kind.
	waitFor := func(kind watch.EventKind) {
		for e := range events {
			switch e.Kind {
			case watch.EventState:
				fmt.Printf("state: %d nodes, %d errors\n", e.Stats.Nodes, e.Stats.Summary.Error)
			case watch.EventNew, watch.EventResolved:
				fmt.Printf("%s: %s at %s line %d\n", e.Kind, e.Finding.Rule, e.Finding.Node, e.Finding.Line)
			}
			if e.Kind == kind {
				return
			}
		}
	}
	waitFor(watch.EventState)
	// Saved half-way: a syntax finding until it is fixed.
	if err := os.WriteFile(file, []byte("[server\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	waitFor(watch.EventNew)
	if err := os.WriteFile(file, []byte("[server]\nhostname = \"gw-1\"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	waitFor(watch.EventResolved)
	cancel()
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	// Output:
	// state: 1 nodes, 0 errors
	// new: toml-syntax at gw-1 line 1
	// resolved: toml-syntax at gw-1 line 1
}

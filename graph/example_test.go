package graph_test

import (
	"context"
	"fmt"
	"os"

	"github.com/apimlint/apimlint/graph"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// Lint a fleet, draw it, and list the links that carry an error.
func Example() {
	fleet, err := lint.LoadFS(os.DirFS("../testdata"), "seed-ha", lint.LoadOptions{})
	if err != nil {
		panic(err)
	}
	res, err := lint.Run(context.Background(), fleet, rules.All(), lint.RunOptions{})
	if err != nil {
		panic(err)
	}
	g := graph.Build(res, graph.Options{})
	for _, e := range g.Edges {
		if e.Severity == lint.SeverityError {
			fmt.Printf("%s → %s %s %s %v\n", g.Node(e.From).Name, g.Node(e.To).Name, e.Label(), e.Where(), e.Rules)
		}
	}
	// graph.Write(os.Stdout, g, "svg") draws it.

	// Output:
	// apim-cp-1 → [api-gateway-lb-host] environment URL apim.gateway.environment[0].service_url:51 +4 [doc-placeholder]
	// apim-cp-2 → [api-gateway-lb-host] environment URL apim.gateway.environment[0].service_url:51 +4 [doc-placeholder]
	// apim-cp-2 → apim-cp-2 event_duplicate_url apim.event_hub.event_duplicate_url:70 [event-duplicate-url]
	// traffic-manager-2 → traffic-manager-2 event_duplicate_url apim.throttling.event_duplicate_url:49 [event-duplicate-url]
}

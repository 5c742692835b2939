package lint_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// Lint a fleet held in any fs.FS: here two gateways that share a gateway_id.
func ExampleLoadFS() {
	fsys := fstest.MapFS{
		"gw-1/deployment.toml": {Data: []byte("[apim.gateway_notification]\ngateway_id = \"gw\"\n")},
		"gw-2/deployment.toml": {Data: []byte("[apim.gateway_notification]\ngateway_id = \"gw\"\n")},
	}
	fleet, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
	if err != nil {
		panic(err)
	}
	rule, _ := rules.Get("gateway-id-unique")
	res, err := lint.Run(context.Background(), fleet, []*lint.Rule{rule}, lint.RunOptions{})
	if err != nil {
		panic(err)
	}
	for _, f := range res.Findings {
		fmt.Printf("%s:%d:%d: %s: %s (%s)\n", f.File, f.Line, f.Column, f.Severity, f.Message, f.Rule)
	}
	// Output:
	// gw-2/deployment.toml:2:14: error: gateway_id "gw" is also the gateway_id of gw-1; each gateway needs its own (gateway-id-unique)
}

// A node's keys carry canonical paths, positions and resolved values.
func ExampleNewNode() {
	src := []byte(`[server]
hostname = "gw-1.example.com"
offset = 2

[apim.event_hub]
service_url = "https://cp:${mgt.transport.https.port}/services/"
`)
	n := lint.NewNode("gw-1", "gw-1/deployment.toml", src, nil, lint.ResolveOptions{})
	k := n.Get("apim.event_hub.service_url")
	fmt.Println(k.Path, k.Value.Pos().Line, k.Value.Pos().Column)
	fmt.Println(k.Value.Text())
	fmt.Println(n.Port(lint.PortJMS))
	// Output:
	// apim.event_hub.service_url 6 15
	// https://cp:9445/services/
	// 5674
}

// Load a fleet from disk and run every rule.
func ExampleLoad() {
	fleet, err := lint.Load([]string{"../testdata/clean-ha"}, lint.LoadOptions{})
	if err != nil {
		panic(err)
	}
	res, err := lint.Run(context.Background(), fleet, rules.All(), lint.RunOptions{})
	if err != nil {
		panic(err)
	}
	for _, n := range fleet.Nodes {
		fmt.Println(n.Name, n.Role)
	}
	serious := 0
	for _, f := range res.Findings {
		if f.Severity >= lint.SeverityWarning {
			serious++
		}
	}
	fmt.Println(serious, "findings at warning or above")
	// Output:
	// apim-cp-1 control-plane
	// apim-cp-2 control-plane
	// apim-gw-1 gateway
	// apim-gw-2 gateway
	// apim-tm-1 traffic-manager
	// apim-tm-2 traffic-manager
	// 0 findings at warning or above
}

package lint_test

import (
	"bytes"
	"context"
	"fmt"
	"testing/fstest"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// Accept today's findings, then report only new ones: what
// `apimlint lint --accept FILE` and `--accepted FILE` do.
func ExampleAcceptedFile() {
	rule, _ := rules.Get("gateway-id-unique")
	lintFS := func(fsys fstest.MapFS, procs ...lint.Processor) *lint.Result {
		fleet, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
		if err != nil {
			panic(err)
		}
		res, err := lint.Run(context.Background(), fleet, []*lint.Rule{rule}, lint.RunOptions{Processors: procs})
		if err != nil {
			panic(err)
		}
		return res
	}
	today := fstest.MapFS{
		"gw-1/deployment.toml": {Data: []byte("[apim.gateway_notification]\ngateway_id = \"gw\"\n")},
		"gw-2/deployment.toml": {Data: []byte("[apim.gateway_notification]\ngateway_id = \"gw\"\n")},
	}
	res := lintFS(today)
	var file bytes.Buffer
	if err := lint.NewAcceptedFile(res.Fleet, res.Findings).Write(&file); err != nil {
		panic(err)
	}

	// Later: lines moved, and a third gateway copies the same ID.
	later := fstest.MapFS{
		"gw-1/deployment.toml": {Data: []byte("# moved\n[apim.gateway_notification]\ngateway_id = \"gw\"\n")},
		"gw-2/deployment.toml": {Data: []byte("# moved\n[apim.gateway_notification]\ngateway_id = \"gw\"\n")},
		"gw-3/deployment.toml": {Data: []byte("[apim.gateway_notification]\ngateway_id = \"gw\"\n")},
	}
	accepted, err := lint.ParseAcceptedFile(file.Bytes())
	if err != nil {
		panic(err)
	}
	filter := accepted.Filter(nil)
	for _, f := range lintFS(later, filter).Findings {
		fmt.Printf("%s:%d:%d: %s (%s)\n", f.File, f.Line, f.Column, f.Message, f.Rule)
	}
	fmt.Println(filter.Stats())
	// Output:
	// gw-3/deployment.toml:2:14: gateway_id "gw" is also the gateway_id of gw-1; each gateway needs its own (gateway-id-unique)
	// 1 of 1 accepted findings still present and hidden; 0 fixed since (stale: --accept again drops them)
}

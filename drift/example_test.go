package drift_test

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// exampleFleet writes a one-gateway fleet and returns its directory.
func exampleFleet(hostname string) string {
	dir, err := os.MkdirTemp("", "drift-example-")
	if err != nil {
		log.Fatal(err)
	}
	file := filepath.Join(dir, "gw-1", "deployment.toml")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		log.Fatal(err)
	}
	src := fmt.Sprintf("[server]\nhostname = %q\nserver_role = \"gateway-worker\"\n\n[super_admin]\npassword = \"s3cret-pw\"\n", hostname)
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		log.Fatal(err)
	}
	return dir
}

// Record a fleet's approved state, change a file, and report the drift.
func Example() {
	dir := exampleFleet("gw-1.example.com")
	defer os.RemoveAll(dir)
	fleet, err := lint.Load([]string{dir}, lint.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	base, err := drift.Record(fleet, drift.RecordOptions{})
	if err != nil {
		log.Fatal(err)
	}
	if err := drift.WriteFile(filepath.Join(dir, "baseline.json"), base); err != nil {
		log.Fatal(err)
	}

	// Later: a hotfix changes the hostname.
	src := "[server]\nhostname = \"gw-9.example.com\"\nserver_role = \"gateway-worker\"\n\n[super_admin]\npassword = \"s3cret-pw\"\n"
	if err := os.WriteFile(filepath.Join(dir, "gw-1", "deployment.toml"), []byte(src), 0o644); err != nil {
		log.Fatal(err)
	}
	base, err = drift.ReadFile(filepath.Join(dir, "baseline.json"))
	if err != nil {
		log.Fatal(err)
	}
	fleet, err = lint.Load([]string{dir}, lint.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range drift.Compare(base, fleet, drift.Options{}) {
		fmt.Printf("%s line %d: %s (%s)\n", f.Node, f.Line, f.Message, f.Rule)
	}
	// Output:
	// gw-1 line 2: server.hostname changed since the baseline: was "gw-1.example.com", now "gw-9.example.com" (baseline-drift)
}

// Ignore keys that are expected to move, from the fleet config.
func ExampleOptionsFromConfig() {
	cfg, _ := lint.ParseConfig(".apimlint.toml", []byte("[drift]\nignore = [\"server.node_ip\"]\n[drift.roles]\ngateway = [\"apim.sync_runtime_artifacts\"]\n"))
	opts, err := drift.OptionsFromConfig(cfg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(opts.Ignore, opts.Roles[wso2.RoleGateway])
	// Output: [server.node_ip] [apim.sync_runtime_artifacts]
}

// Parse rejects anything that is not a complete baseline.
func ExampleParse() {
	_, err := drift.Parse([]byte(`{"version": 4, "secrets": "presence", "nodes": []}`))
	fmt.Println(err)
	_, err = drift.Parse([]byte(`{"version": 2, "secrets": "presence", "nod`))
	fmt.Println(err)
	// Output:
	// baseline format version 4 is newer than this apimlint reads (3): upgrade apimlint or record the baseline again
	// truncated: the JSON ends before the baseline does
}

// Compare two node files key by key, on resolved values.
func ExampleDiff() {
	a := lint.NewNode("gw-1", "gw-1/deployment.toml", []byte("[server]\nhostname = \"gw-1\"\noffset = 0\n\n[apim.cache]\ngateway_token.enable = true\n"), nil, lint.ResolveOptions{})
	b := lint.NewNode("gw-2", "gw-2/deployment.toml", []byte("[apim.cache.gateway_token]\nenable = false\n\n[server]\noffset = 0\nhostname = \"gw-2\"\n"), nil, lint.ResolveOptions{})
	for _, d := range drift.Diff(a, b, drift.DiffOptions{Ignore: []string{"server.hostname"}}) {
		fmt.Printf("%s %s: %s:%d %s -> %s:%d %s\n", d.Kind, d.Key, d.A.File, d.A.Line, d.A.Value, d.B.File, d.B.Line, d.B.Value)
	}
	// Output:
	// changed apim.cache.gateway_token.enable: gw-1/deployment.toml:6 true -> gw-2/deployment.toml:2 false
}

// Write a baseline to any writer; the JSON is stable and one key per line.
func ExampleBaseline_WriteTo() {
	n := lint.NewNode("tm-1", "tm-1/deployment.toml", []byte("[server]\nserver_role = \"traffic-manager\"\n[super_admin]\npassword = \"pw-123\"\n"), nil, lint.ResolveOptions{})
	n.Rel = "tm-1/deployment.toml"
	fleet := lint.NewFleet(".", []*lint.Node{n}, nil)
	// The key comes from drift.LoadKey in real use; never from the code.
	key, err := drift.NewKey([]byte("example-key-0123456789"))
	if err != nil {
		log.Fatal(err)
	}
	base, err := drift.Record(fleet, drift.RecordOptions{Key: key})
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := base.WriteTo(&buf); err != nil {
		log.Fatal(err)
	}
	fmt.Print(buf.String())
	// Output:
	// {
	//   "version": 3,
	//   "secrets": "hmac-sha256",
	//   "keyId": "d80961111da32c8e",
	//   "nodes": [
	//     {
	//       "name": "tm-1",
	//       "file": "tm-1/deployment.toml",
	//       "role": "traffic-manager",
	//       "keys": [
	//         {"path":"server.server_role","kind":"string","value":"traffic-manager"},
	//         {"path":"super_admin.password","kind":"string","hash":"hmac-sha256:c5af82c0063a1b05a10a526bf533b3dc9fcdb81ad45c0b735f9460fee33a0bb5"}
	//       ]
	//     }
	//   ]
	// }
}

package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/apimlint/apimlint/graph"
	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden/graph")

// lintFS lints the fleet below dir in fsys with every rule.
func lintFS(t testing.TB, fsys fstest.MapFS, dir string) *lint.Result {
	t.Helper()
	f, err := lint.LoadFS(fsys, dir, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// lintSample lints a sample fleet of testdata/, named as the sample.
func lintSample(t testing.TB, name string) *lint.Result {
	t.Helper()
	f, err := lint.LoadFS(os.DirFS("../testdata"), name, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func render(t testing.TB, g *graph.Graph, format string) string {
	t.Helper()
	var b bytes.Buffer
	if err := graph.Write(&b, g, format); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, fleet := range []string{"seed-ha", "seed-ha-fixed"} {
		g := graph.Build(lintSample(t, fleet), graph.Options{})
		for format, ext := range map[string]string{"dot": "dot", "mermaid": "mmd", "json": "json"} {
			t.Run(fleet+"."+ext, func(t *testing.T) {
				got := render(t, g, format)
				path := filepath.Join("..", "testdata", "golden", "graph", fleet+"."+ext)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./graph -update)", err)
				}
				if diff := cmp.Diff(string(want), got); diff != "" {
					t.Errorf("%s differs from the golden file (-want +got; go test ./graph -update):\n%s", path, diff)
				}
			})
		}
	}
}

// findEdge returns the edges of a kind from the node named from.
func edgesFrom(g *graph.Graph, from string, kind lint.LinkKind) []*graph.Edge {
	var out []*graph.Edge
	for _, e := range g.Edges {
		if e.From == g.NodeOf(from) && e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// The copied event_duplicate_url of seed-ha is a red self-loop on
// apim-cp-2 and traffic-manager-2; the fixed twin names the peers.
func TestCopiedEventDuplicateURLIsARedSelfLoop(t *testing.T) {
	broken := graph.Build(lintSample(t, "seed-ha"), graph.Options{})
	for _, name := range []string{"apim-cp-2", "traffic-manager-2"} {
		es := edgesFrom(broken, name, lint.LinkEventDuplicateURL)
		if len(es) != 1 || !es[0].Self() || es[0].Severity != lint.SeverityError || !slicesContain(es[0].Rules, "event-duplicate-url") {
			t.Errorf("seed-ha %s: event_duplicate_url edges %s, want one error self-loop with rule event-duplicate-url", name, showEdges(es))
		}
	}
	dot := render(t, broken, "dot")
	if !strings.Contains(dot, `n_apim_cp_2 -> n_apim_cp_2 [color="#d32f2f", label="event_duplicate_url\nevent_hub.event_duplicate_url:70\nevent-duplicate-url"`) {
		t.Errorf("seed-ha DOT has no red self-loop on apim-cp-2:\n%s", dot)
	}
	fixed := graph.Build(lintSample(t, "seed-ha-fixed"), graph.Options{})
	for _, pair := range [][2]string{{"apim-cp-1", "apim-cp-2"}, {"apim-cp-2", "apim-cp-1"}, {"traffic-manager-1", "traffic-manager-2"}, {"traffic-manager-2", "traffic-manager-1"}} {
		es := edgesFrom(fixed, pair[0], lint.LinkEventDuplicateURL)
		if len(es) != 1 || es[0].To != fixed.NodeOf(pair[1]) || es[0].Severity != 0 {
			t.Errorf("seed-ha-fixed %s: event_duplicate_url edges %s, want one clean edge to %s", pair[0], showEdges(es), pair[1])
		}
	}
	for _, e := range fixed.Edges {
		if e.Severity != 0 {
			t.Errorf("seed-ha-fixed: edge %s → %s (%s) carries %s %v; the fixed fleet has no finding", e.From, e.To, e.Kind, e.Severity, e.Rules)
		}
	}
}

func TestEdgesAndNodesOfSeedHA(t *testing.T) {
	g := graph.Build(lintSample(t, "seed-ha"), graph.Options{})
	// Gateways reach both control planes' brokers and both traffic managers.
	for _, gw := range []string{"gw-1", "gw-2"} {
		got := targets(g, edgesFrom(g, gw, lint.LinkEventHubJMS))
		if diff := cmp.Diff([]string{"apim-cp-1", "apim-cp-2"}, got); diff != "" {
			t.Errorf("%s event hub JMS targets (-want +got):\n%s", gw, diff)
		}
		got = targets(g, edgesFrom(g, gw, lint.LinkThrottleDecisions))
		if diff := cmp.Diff([]string{"traffic-manager-1", "traffic-manager-2"}, got); diff != "" {
			t.Errorf("%s throttle decision targets (-want +got):\n%s", gw, diff)
		}
		km := edgesFrom(g, gw, lint.LinkKMService)
		if len(km) != 1 || g.Node(km[0].To).Kind != graph.KindLoadBalancer || g.Node(km[0].To).Name != "api.am.wso2.com" {
			t.Errorf("%s KM service edges %s, want one to the load balancer api.am.wso2.com", gw, showEdges(km))
		}
		db := edgesFrom(g, gw, lint.LinkDatabase)
		if len(db) != 1 || g.Node(db[0].To).Kind != graph.KindDatabase || g.Node(db[0].To).Name != "db.wso2.com:3306" {
			t.Errorf("%s database edges %s, want one to db.wso2.com:3306", gw, showEdges(db))
		}
	}
	// The copied [api-gateway-LB-host] is a dashed link to an unknown host, red with doc-placeholder.
	env := edgesFrom(g, "apim-cp-1", lint.LinkEnvironmentURL)
	if len(env) != 1 || !env[0].Unresolved || env[0].Severity != lint.SeverityError || !slicesContain(env[0].Rules, "doc-placeholder") || len(env[0].Via) != 5 {
		t.Fatalf("apim-cp-1 environment URL edges %s, want one unresolved error edge with 5 keys", showEdges(env))
	}
	if n := g.Node(env[0].To); n.Kind != graph.KindUnknownHost || !n.Placeholder {
		t.Errorf("environment URL target %+v, want a placeholder unknown host", n)
	}
	// jms-without-tls names both brokers of the list: both edges carry it.
	for _, e := range edgesFrom(g, "gw-1", lint.LinkEventHubJMS) {
		if e.Severity != lint.SeverityInfo || !slicesContain(e.Rules, "jms-without-tls") {
			t.Errorf("gw-1 → %s: %s %v, want info jms-without-tls", e.To, e.Severity, e.Rules)
		}
	}
	// Findings on keys that make no link colour the node.
	if n := g.Node(g.NodeOf("gw-1")); n.Severity != lint.SeverityError || !slicesContain(n.Rules, "default-admin-password") || slicesContain(n.Rules, "jms-without-tls") {
		t.Errorf("gw-1 node: %s %v, want error with default-admin-password and without the edges' jms-without-tls", n.Severity, n.Rules)
	}
}

func targets(g *graph.Graph, es []*graph.Edge) []string {
	var out []string
	for _, e := range es {
		out = append(out, g.Node(e.To).Name)
	}
	return out
}

func showEdges(es []*graph.Edge) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, e.From+"→"+e.To+"("+string(e.Kind)+","+e.Severity.String()+")")
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func slicesContain(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func TestSummarisesIdenticalGatewaysAndKeepsTheOddOneOut(t *testing.T) {
	fsys := fleetgen.MapFS(fleetgen.Spec{ControlPlanes: 2, TrafficManagers: 2, Gateways: 12})
	// apim-gw-7 listens to a broker that does not exist.
	path := "apim-gw-7/deployment.toml"
	data := string(fsys[path].Data)
	i := strings.Index(data, "event_listening_endpoints = ")
	if i < 0 {
		t.Fatal("fleetgen gateway has no event_listening_endpoints")
	}
	end := i + strings.IndexByte(data[i:], '\n')
	fsys[path] = &fstest.MapFile{Data: []byte(data[:i] + `event_listening_endpoints = ["ssl://apim-cp-9:8672"]` + data[end:])}
	res := lintFS(t, fsys, ".")
	g := graph.Build(res, graph.Options{})
	// apim-gw-1 is the control planes' gateway environment: it has
	// links of its own too.
	sum := g.Node(g.NodeOf("apim-gw-2"))
	if sum == nil || len(sum.Members) != 10 || sum.Name != "apim-gw-2 … apim-gw-12" {
		t.Fatalf("apim-gw-2 is drawn as %+v, want the summary apim-gw-2 … apim-gw-12 of 10 gateways", sum)
	}
	if g.NodeOf("apim-gw-1") == sum.ID || g.NodeOf("apim-gw-7") == sum.ID {
		t.Error("apim-gw-1 or apim-gw-7 is in the summary")
	}
	if !strings.Contains(sum.Note(), "10 gateways, same links") {
		t.Errorf("summary note %q", sum.Note())
	}
	odd := g.Node(g.NodeOf("apim-gw-7"))
	if odd == nil || odd.Name != "apim-gw-7" || len(odd.Members) != 0 {
		t.Fatalf("apim-gw-7 is drawn as %+v, want a node of its own", odd)
	}
	es := edgesFrom(g, "apim-gw-7", lint.LinkEventHubJMS)
	if len(es) != 1 || !es[0].Unresolved || g.Node(es[0].To).Name != "apim-cp-9" || es[0].Severity == 0 {
		t.Errorf("apim-gw-7 event hub edges %s, want one dashed edge with a finding to unknown host apim-cp-9", showEdges(es))
	}
	// The summary keeps its links, once.
	if got := targets(g, edgesFrom(g, "apim-gw-2", lint.LinkEventHubJMS)); !cmp.Equal(got, []string{"apim-cp-1", "apim-cp-2"}) {
		t.Errorf("summary event hub targets %v", got)
	}
	// Never summarising draws every gateway.
	all := graph.Build(res, graph.Options{GroupAt: -1})
	if n := all.Node(all.NodeOf("apim-gw-3")); n == nil || n.Name != "apim-gw-3" {
		t.Errorf("GroupAt -1: apim-gw-3 drawn as %+v", n)
	}
}

func TestOutputsAreDeterministic(t *testing.T) {
	for _, format := range graph.Formats {
		a := render(t, graph.Build(lintSample(t, "seed-ha"), graph.Options{}), format)
		b := render(t, graph.Build(lintSample(t, "seed-ha"), graph.Options{}), format)
		if a != b {
			t.Errorf("%s output differs between two runs", format)
		}
	}
	if err := graph.Write(io.Discard, &graph.Graph{}, "png"); err == nil {
		t.Error("Write accepted format png")
	}
	for _, format := range graph.Formats {
		if err := graph.Write(io.Discard, &graph.Graph{}, format); err != nil {
			t.Errorf("%s of an empty graph: %v", format, err)
		}
	}
}

func TestJSONShape(t *testing.T) {
	g := graph.Build(lintSample(t, "seed-ha"), graph.Options{})
	var doc struct {
		Version int `json:"version"`
		Nodes   []struct {
			ID, Name, Kind, Group string
		} `json:"nodes"`
		Edges []struct {
			ID, From, To, Kind, Severity string
			Via                          []struct {
				Key  string
				Line int
			}
		} `json:"edges"`
	}
	if err := json.Unmarshal([]byte(render(t, g, "json")), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || len(doc.Nodes) != len(g.Nodes) || len(doc.Edges) != len(g.Edges) {
		t.Fatalf("JSON version %d, %d nodes, %d edges", doc.Version, len(doc.Nodes), len(doc.Edges))
	}
	ids := map[string]bool{}
	for _, n := range doc.Nodes {
		ids[n.ID] = true
	}
	for _, e := range doc.Edges {
		if !ids[e.From] || !ids[e.To] {
			t.Errorf("edge %s joins unknown nodes %s → %s", e.ID, e.From, e.To)
		}
		if e.Kind != string(graph.EdgeFronts) && (len(e.Via) == 0 || e.Via[0].Key == "" || e.Via[0].Line == 0) {
			t.Errorf("edge %s (%s) has no key and line", e.ID, e.Kind)
		}
	}
}

// A password in a JDBC URL or in a URL's user info never reaches any output.
func TestNoSecretInAnyFormat(t *testing.T) {
	const secret = "Pl4ntedS3cret"
	fsys := fleetgen.MapFS(fleetgen.Spec{ControlPlanes: 1, TrafficManagers: 1, Gateways: 1})
	path := "apim-cp-1/deployment.toml"
	fsys[path] = &fstest.MapFile{Data: append(fsys[path].Data, []byte(`
[database.extra_db]
url = "jdbc:mysql://db.example.com:3306/extra?user=apim&password=`+secret+`"
username = "apim"
password = "`+secret+`"
`)...)}
	gwPath := "apim-gw-1/deployment.toml"
	data := strings.Replace(string(fsys[gwPath].Data), `service_url = "https://apim-cp-1:9443/services/"`,
		`service_url = "https://admin:`+secret+`@apim-cp-1:9443/services/"`, 1)
	fsys[gwPath] = &fstest.MapFile{Data: []byte(data)}
	res := lintFS(t, fsys, ".")
	g := graph.Build(res, graph.Options{})
	found := false
	for _, n := range g.Nodes {
		if n.Name == "db.example.com:3306" {
			found = true
		}
	}
	if !found {
		t.Fatal("the planted JDBC URL made no database node: the test would prove nothing")
	}
	for _, format := range graph.Formats {
		if out := render(t, g, format); strings.Contains(out, secret) {
			t.Errorf("%s output contains the planted secret", format)
		}
	}
	if md := graph.MermaidMarkdown(res); strings.Contains(md, secret) {
		t.Error("MermaidMarkdown contains the planted secret")
	}
}

func TestMermaidMarkdown(t *testing.T) {
	md := graph.MermaidMarkdown(lintSample(t, "seed-ha"))
	if !strings.Contains(md, "```mermaid\nflowchart TB\n") || !strings.Contains(md, "| apim-cp-2 → apim-cp-2 | event_duplicate_url |") {
		t.Errorf("MermaidMarkdown of seed-ha lacks the block or the broken self-loop:\n%s", md)
	}
	if !strings.Contains(md, "linkStyle") {
		t.Error("MermaidMarkdown marks no broken link")
	}
	if md := graph.MermaidMarkdown(lintSample(t, "seed-ha-fixed")); md != "" {
		t.Errorf("MermaidMarkdown of a passing fleet: %q, want nothing", md)
	}
}

// The Mermaid output parses with Mermaid's own grammar when Node.js and
// the mermaid package are available (APIMLINT_MERMAID_MODULES names a
// directory with node_modules/mermaid and node_modules/jsdom; .ci/run
// installs them). Without them, TestMermaidStructure still runs.
func TestMermaidParses(t *testing.T) {
	dir := os.Getenv("APIMLINT_MERMAID_MODULES")
	node, err := lookPath("node")
	if dir == "" || err != nil {
		t.Skip("set APIMLINT_MERMAID_MODULES to a directory with node_modules/mermaid and jsdom (npm install --prefix DIR mermaid@11 jsdom), and install node, to parse the Mermaid output")
	}
	for _, fleet := range []string{"seed-ha", "seed-ha-fixed"} {
		file := filepath.Join(t.TempDir(), fleet+".mmd")
		if err := os.WriteFile(file, []byte(render(t, graph.Build(lintSample(t, fleet), graph.Options{}), "mermaid")), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := runCmd(node, "testdata/mermaid-parse.mjs", dir, file); err != nil {
			t.Errorf("%s: Mermaid rejects the output: %v\n%s", fleet, err, out)
		}
	}
	// The check itself rejects a broken chart.
	bad := filepath.Join(t.TempDir(), "bad.mmd")
	if err := os.WriteFile(bad, []byte("flowchart TB\n  a -->|\"x| b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runCmd(node, "testdata/mermaid-parse.mjs", dir, bad); err == nil {
		t.Error("the Mermaid check accepted a broken chart")
	}
}

// TestMermaidStructure checks what the grammar needs without Mermaid:
// balanced subgraphs, declared node IDs, quoted labels without raw quotes,
// linkStyle indexes within the edges.
func TestMermaidStructure(t *testing.T) {
	g := graph.Build(lintSample(t, "seed-ha"), graph.Options{})
	out := render(t, g, "mermaid")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != "flowchart TB" {
		t.Fatalf("first line %q", lines[0])
	}
	depth, edges := 0, 0
	for _, l := range lines[1:] {
		s := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(s, "subgraph "):
			depth++
		case s == "end":
			depth--
		case strings.HasPrefix(s, "linkStyle "):
			var i int
			if _, err := fmtSscan(strings.Fields(s)[1], &i); err != nil || i >= len(g.Edges) {
				t.Errorf("linkStyle index in %q out of range", s)
			}
		case strings.Contains(s, "-->") || strings.Contains(s, "-.->") || strings.Contains(s, "---"):
			edges++
			if strings.Count(s, `"`)%2 != 0 {
				t.Errorf("unbalanced quotes in %q", s)
			}
		}
		if depth < 0 {
			t.Fatalf("end without subgraph at %q", s)
		}
	}
	if depth != 0 || edges != len(g.Edges) {
		t.Errorf("depth %d at the end, %d edge lines for %d edges", depth, edges, len(g.Edges))
	}
}

func TestSVGIsWellFormedAndEdgesMissTheBoxes(t *testing.T) {
	for _, fleet := range []string{"seed-ha", "seed-ha-fixed"} {
		g := graph.Build(lintSample(t, fleet), graph.Options{})
		checkSVG(t, render(t, g, "svg"), g)
	}
	// 30 nodes, none summarised: every box drawn apart from the others, and
	// the picture stays about one screen tall (the edges that skip rows
	// share trunks instead of stacking up tracks).
	g := graph.Build(lintFS(t, fleetgen.MapFS(fleetgen.Spec{ControlPlanes: 3, TrafficManagers: 3, Gateways: 24}), "."), graph.Options{GroupAt: -1})
	svg := render(t, g, "svg")
	checkSVG(t, svg, g)
	boxes := svgBoxes(t, svg)
	if len(boxes) != 31 { // 30 nodes and the database
		t.Errorf("%d boxes, want 31", len(boxes))
	}
	for a, p := range boxes {
		for b, q := range boxes {
			if a < b && p[0] < q[0]+q[2] && q[0] < p[0]+p[2] && p[1] < q[1]+q[3] && q[1] < p[1]+p[3] {
				t.Errorf("boxes %s and %s overlap", a, b)
			}
		}
	}
	var w, h float64
	if _, err := fmt.Sscanf(svg, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g"`, &w, &h); err != nil {
		t.Fatal(err)
	}
	if h > 1400 || w > 2200 {
		t.Errorf("a 30-node picture is %.0f×%.0f px; want at most 2200×1400", w, h)
	}
}

// checkSVG parses the SVG as XML, finds a box for every node, and samples
// every edge's path: no point may lie inside a box.
func checkSVG(t *testing.T, svg string, g *graph.Graph) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
	}
	boxes := svgBoxes(t, svg)
	for _, n := range g.Nodes {
		if _, ok := boxes[n.ID]; !ok {
			t.Errorf("no box for node %s", n.ID)
		}
	}
	for _, d := range svgPaths(svg) {
		for _, p := range samplePath(t, d) {
			for id, b := range boxes {
				if p[0] > b[0]+2 && p[0] < b[0]+b[2]-2 && p[1] > b[1]+2 && p[1] < b[1]+b[3]-2 {
					t.Errorf("edge path %q passes through the box of %s at (%.1f, %.1f)", d, id, p[0], p[1])
					return
				}
			}
		}
	}
}

// The pictures committed under testdata/graph (the README shows
// seed-ha.svg) are what apimlint draws today: go test ./graph -update
// redraws them.
func TestCommittedSVGs(t *testing.T) {
	cases := []struct {
		file  string
		res   func(t *testing.T) *lint.Result
		check func(t *testing.T, g *graph.Graph)
	}{
		{"seed-ha.svg", func(t *testing.T) *lint.Result { return lintSample(t, "seed-ha") }, nil},
		{"multidc-sim-4.2.svg", func(t *testing.T) *lint.Result {
			const corpus = "../../shared/corpus/fleets"
			if _, err := os.Stat(filepath.Join(corpus, "multidc-sim-4.2")); err != nil {
				t.Skip("the corpus (../shared/corpus) is not here")
			}
			f, err := lint.LoadFS(os.DirFS(corpus), "multidc-sim-4.2", lint.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}, nil},
		{"fleetgen-3000.svg", func(t *testing.T) *lint.Result {
			if testing.Short() {
				t.Skip("3,000 nodes")
			}
			fsys := fstest.MapFS{}
			for _, f := range fleetgen.Generate(fleetgen.Sized(3000)) {
				fsys["fleetgen-3000/"+f.Path] = &fstest.MapFile{Data: f.Data}
			}
			return lintFS(t, fsys, "fleetgen-3000")
		}, func(t *testing.T, g *graph.Graph) {
			// 3,000 nodes are summarised: the gateways that share their
			// links are one node.
			if len(g.Nodes) > 30 {
				t.Errorf("3,000-node fleet drawn with %d nodes, want a summary", len(g.Nodes))
			}
			sum := g.Node(g.NodeOf("apim-gw-2"))
			if sum == nil || sum.Name != "apim-gw-2 … apim-gw-2992" || !strings.Contains(sum.Note(), "2,991 gateways, same links") {
				t.Errorf("gateway summary %+v", sum)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			g := graph.Build(tc.res(t), graph.Options{})
			if tc.check != nil {
				tc.check(t, g)
			}
			got := render(t, g, "svg")
			checkSVG(t, got, g)
			path := filepath.Join("..", "testdata", "graph", tc.file)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./graph -update)", err)
			}
			if string(want) != got {
				t.Errorf("%s is not what apimlint draws now; run go test ./graph -update and look at it", path)
			}
		})
	}
}

// Graphviz accepts the DOT output without a warning, where it is
// installed (.ci/run installs it with chromium).
func TestDOTRendersWithGraphviz(t *testing.T) {
	dot, err := lookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not installed (apt-get install graphviz): the DOT output is not rendered")
	}
	for _, fleet := range []string{"seed-ha", "seed-ha-fixed"} {
		file := filepath.Join(t.TempDir(), fleet+".dot")
		if err := os.WriteFile(file, []byte(render(t, graph.Build(lintSample(t, fleet), graph.Options{}), "dot")), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := runCmd(dot, "-Tsvg", "-o", os.DevNull, file)
		if err != nil || strings.TrimSpace(out) != "" {
			t.Errorf("%s: dot -Tsvg: %v\n%s", fleet, err, out)
		}
	}
}

// Every fleet of the corpus of real published configurations draws: the
// SVG is well-formed and no edge crosses a box, and the other writers
// succeed. Skipped when the corpus (../shared/corpus) is not here.
func TestCorpusPictures(t *testing.T) {
	const corpus = "../../shared/corpus/fleets"
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Skip("the corpus (../shared/corpus) is not here")
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			f, err := lint.LoadFS(os.DirFS(corpus), e.Name(), lint.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			g := graph.Build(res, graph.Options{})
			for _, format := range graph.Formats {
				out := render(t, g, format)
				if format == "svg" {
					checkSVG(t, out, g)
				}
			}
		})
	}
}

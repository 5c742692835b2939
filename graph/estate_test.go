package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/apimlint/apimlint/graph"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// lintEstatePicture lints testdata/estate (three fleets: dev, prod,
// staging) fleet by fleet and draws each.
func lintEstatePicture(t *testing.T) *graph.Estate {
	t.Helper()
	e, err := lint.DiscoverEstate("../testdata/estate", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pic := &graph.Estate{Name: e.Root}
	l := lint.Linter{Rules: rules.All()}
	_, err = l.LintEstate(context.Background(), e, lint.EstateRunOptions{Each: func(p *lint.FleetPlan, r *lint.Result) error {
		pic.Add(p.Name, r, graph.Options{})
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pic.Fleets) != 3 {
		t.Fatalf("%d fleets drawn, want 3", len(pic.Fleets))
	}
	return pic
}

func renderEstate(t *testing.T, e *graph.Estate, format string) string {
	t.Helper()
	var b bytes.Buffer
	if err := graph.WriteEstate(&b, e, format); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// An estate is drawn one fleet per cluster, in every format; the goldens
// are testdata/golden/graph/estate.* (go test ./graph -update).
func TestGoldenEstate(t *testing.T) {
	pic := lintEstatePicture(t)
	for format, ext := range map[string]string{"dot": "dot", "mermaid": "mmd", "json": "json", "svg": "svg"} {
		t.Run(ext, func(t *testing.T) {
			got := renderEstate(t, pic, format)
			path := filepath.Join("..", "testdata", "golden", "graph", "estate."+ext)
			if *update {
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
	if err := graph.WriteEstate(io.Discard, pic, "png"); err == nil {
		t.Error("unknown format accepted")
	}
}

// Each format keeps the fleets apart: one labelled cluster per fleet
// holding exactly that fleet's nodes, and no edge between two fleets.
func TestEstateFleetsDrawnApart(t *testing.T) {
	pic := lintEstatePicture(t)
	// DOT: a cluster per fleet, node IDs prefixed by the fleet's number.
	dot := renderEstate(t, pic, "dot")
	mmd := renderEstate(t, pic, "mermaid")
	edgeRE := regexp.MustCompile(`(?m)^\s*(f\d+)_\w+ (?:-->|-\.->|---)(?:\|"[^"]*"\|)? (f\d+)_\w+`)
	dotEdgeRE := regexp.MustCompile(`(?m)^\s*(f\d+)_\w+ -> (f\d+)_\w+ \[`)
	for i, f := range pic.Fleets {
		n := i + 1
		if !strings.Contains(dot, "subgraph cluster_fleet_"+strconv.Itoa(n)+" {\n    label=\"fleet "+f.Fleet+"\\n") {
			t.Errorf("DOT: no cluster labelled fleet %s", f.Fleet)
		}
		if !strings.Contains(mmd, "subgraph fleet_"+strconv.Itoa(n)+"[\"fleet "+f.Fleet+"\"]") {
			t.Errorf("Mermaid: no subgraph labelled fleet %s", f.Fleet)
		}
		for _, nd := range f.Nodes {
			if !strings.Contains(dot, "f"+strconv.Itoa(n)+"_"+nd.ID+" [") {
				t.Errorf("DOT: node %s of fleet %s not drawn in it", nd.Name, f.Fleet)
			}
		}
	}
	for name, pair := range map[string][][]string{"dot": dotEdgeRE.FindAllStringSubmatch(dot, -1), "mermaid": edgeRE.FindAllStringSubmatch(mmd, -1)} {
		total := 0
		for _, m := range pair {
			if m[1] != m[2] {
				t.Errorf("%s: an edge joins two fleets: %s", name, m[0])
			}
			total++
		}
		want := 0
		for _, f := range pic.Fleets {
			want += len(f.Edges)
		}
		if total < want {
			t.Errorf("%s: %d edges drawn, want %d", name, total, want)
		}
	}
	// Mermaid's linkStyle indexes count the links of the whole chart.
	links := 0
	for _, f := range pic.Fleets {
		links += len(f.Edges)
	}
	for _, m := range regexp.MustCompile(`linkStyle (\d+) `).FindAllStringSubmatch(mmd, -1) {
		if atoi(t, m[1]) >= links {
			t.Errorf("linkStyle %s beyond the %d links", m[1], links)
		}
	}
	// JSON: a graph per fleet, with its name.
	var doc struct {
		Version int `json:"version"`
		Fleets  []struct {
			Fleet string            `json:"fleet"`
			Name  string            `json:"name"`
			Nodes []json.RawMessage `json:"nodes"`
		} `json:"fleets"`
		Summary lint.Summary `json:"summary"`
	}
	if err := json.Unmarshal([]byte(renderEstate(t, pic, "json")), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || len(doc.Fleets) != 3 || doc.Fleets[1].Fleet != "prod" || len(doc.Fleets[1].Nodes) == 0 || doc.Summary.Nodes != 11 {
		t.Errorf("JSON: %+v", doc)
	}
	// SVG: well-formed, one group per fleet with its heading, IDs unique.
	svg := renderEstate(t, pic, "svg")
	dec := xml.NewDecoder(strings.NewReader(svg))
	ids := map[string]bool{}
	fleets := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		for _, a := range se.Attr {
			if a.Name.Local == "id" {
				if ids[a.Value] {
					t.Errorf("SVG: id %q twice", a.Value)
				}
				ids[a.Value] = true
			}
			if a.Name.Local == "class" && a.Value == "fleet" {
				fleets++
			}
		}
	}
	if fleets != 3 {
		t.Errorf("SVG: %d fleet groups, want 3", fleets)
	}
	for _, f := range pic.Fleets {
		if !strings.Contains(svg, `data-fleet="`+f.Fleet+`"`) || !strings.Contains(svg, ">fleet "+f.Fleet+" <") {
			t.Errorf("SVG: no heading for fleet %s", f.Fleet)
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmtSscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Mermaid's grammar and Graphviz accept the estate's chart, where they
// are installed (see TestMermaidParses, TestDOTRendersWithGraphviz).
func TestEstateChartsParse(t *testing.T) {
	pic := lintEstatePicture(t)
	ran := false
	if dir := os.Getenv("APIMLINT_MERMAID_MODULES"); dir != "" {
		if node, err := lookPath("node"); err == nil {
			ran = true
			file := filepath.Join(t.TempDir(), "estate.mmd")
			if err := os.WriteFile(file, []byte(renderEstate(t, pic, "mermaid")), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := runCmd(node, "testdata/mermaid-parse.mjs", dir, file); err != nil {
				t.Errorf("Mermaid rejects the estate chart: %v\n%s", err, out)
			}
		}
	}
	if dot, err := lookPath("dot"); err == nil {
		ran = true
		file := filepath.Join(t.TempDir(), "estate.dot")
		if err := os.WriteFile(file, []byte(renderEstate(t, pic, "dot")), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := runCmd(dot, "-Tsvg", "-o", os.DevNull, file); err != nil || strings.TrimSpace(out) != "" {
			t.Errorf("dot -Tsvg: %v\n%s", err, out)
		}
	}
	if !ran {
		t.Skip("neither Graphviz's dot nor Mermaid (APIMLINT_MERMAID_MODULES) is here")
	}
}

// The estate's JSON, written a fleet at a time, is the document
// encoding/json writes of it whole (and of an estate without fleets).
func TestEstateJSONIsOneDocument(t *testing.T) {
	for _, pic := range []*graph.Estate{lintEstatePicture(t), {Name: "empty", Fleets: []*graph.FleetGraph{}}} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			Version int `json:"version"`
			*graph.Estate
		}{graph.JSONVersion, pic}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), renderEstate(t, pic, "json")); diff != "" {
			t.Errorf("%s (-encoding/json +WriteEstate):\n%s", pic.Name, diff)
		}
	}
}

package report

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/apimlint/apimlint/graph"
	"github.com/apimlint/apimlint/lint"
)

func init() { Register("html", HTML) }

// HTML writes one self-contained page: the summary, the topology picture,
// the findings grouped by node and rule, and the explanation of every rule
// that fired. It loads nothing from the network (no external script, style
// sheet, font or image), so it can be attached to a ticket or opened
// offline. Each finding links to its node in the picture and to its rule's
// explanation; clicking it highlights the node (and the link, when the
// finding is on one). Messages are the engine's, already scrubbed of
// secrets, and the picture shows hosts and key paths only.
func HTML(w io.Writer, r *lint.Result, opts Options) error {
	// The pictures: one of the result's fleet, or an estate's, one per
	// fleet; panels say how an element ID of each is prefixed.
	type panel struct {
		fleet, prefix string
		g             *graph.Graph
	}
	var panels []panel
	var svg bytes.Buffer
	if pics := opts.Pictures; pics != nil && len(pics.Fleets) > 0 {
		if err := graph.WriteEstate(&svg, pics, "svg"); err != nil {
			return err
		}
		for i, f := range pics.Fleets {
			panels = append(panels, panel{fleet: f.Fleet, prefix: graph.FleetIDPrefix(i), g: f.Graph})
		}
	} else {
		g := graph.Build(r, graph.Options{})
		if err := graph.WriteSVG(&svg, g); err != nil {
			return err
		}
		panels = []panel{{g: g}}
	}
	page := htmlPage{
		Title:   "apimlint report: " + r.Root,
		Root:    r.Root,
		Summary: r.Summary(),
		Count:   countLine(r.Summary()),
		SVG:     template.HTML(svg.String()), //nolint:gosec // written by graph.WriteSVG or WriteEstate, which escape every text they draw
	}
	// nodeOf is a finding's node in the pictures ("" when not drawn).
	nodeOf := func(f lint.Finding) string {
		for _, pn := range panels {
			if pn.fleet == f.Fleet || len(panels) == 1 {
				if id := pn.g.NodeOf(f.Node); id != "" {
					return pn.prefix + id
				}
			}
		}
		return ""
	}
	// Findings on the keys of an edge link to that edge too.
	edgeOf := map[string]string{}
	for _, pn := range panels {
		for _, e := range pn.g.Edges {
			for _, v := range e.Via {
				k := fmt.Sprintf("%s\x00%s\x00%s\x00%d", pn.fleet, v.Node, v.Key, v.Line)
				if _, ok := edgeOf[k]; !ok || e.Severity > 0 {
					edgeOf[k] = pn.prefix + e.ID
				}
			}
		}
	}
	docs := map[string]*lint.Rule{}
	for _, rule := range r.Rules {
		docs[rule.ID] = rule
	}
	byNode := map[string]*htmlNode{}
	fired := map[string]bool{}
	for i, f := range r.Findings {
		key := f.Fleet + "\x00" + f.Node
		hn := byNode[key]
		if hn == nil {
			hn = &htmlNode{Name: f.Node, GraphID: nodeOf(f), File: f.File}
			if f.Fleet != "" && f.Node != "" {
				hn.Name = f.Fleet + ": " + f.Node
			}
			if hn.Name == "" {
				hn.Name = strings.TrimSpace("fleet " + f.Fleet)
				hn.File = ""
			}
			hn.Anchor = "findings-" + anchorID(hn.Name)
			byNode[key] = hn
			page.Nodes = append(page.Nodes, hn)
		}
		var hr *htmlRule
		for _, x := range hn.Rules {
			if x.ID == f.Rule {
				hr = x
			}
		}
		if hr == nil {
			hr = &htmlRule{ID: f.Rule, Documented: docs[f.Rule] != nil}
			hn.Rules = append(hn.Rules, hr)
		}
		hr.Findings = append(hr.Findings, htmlFinding{
			Index: i + 1, Finding: f, Severity: f.Severity.String(), GraphID: hn.GraphID,
			EdgeID: edgeOf[fmt.Sprintf("%s\x00%s\x00%s\x00%d", f.Fleet, f.Node, f.Key, f.Line)],
		})
		hr.Worst = max(hr.Worst, f.Severity)
		hn.Worst = max(hn.Worst, f.Severity)
		fired[f.Rule] = true
	}
	slices.SortStableFunc(page.Nodes, func(a, b *htmlNode) int {
		return cmp.Or(cmp.Compare(b.Worst, a.Worst), cmp.Compare(a.Name, b.Name))
	})
	for _, n := range page.Nodes {
		slices.SortStableFunc(n.Rules, func(a, b *htmlRule) int { return cmp.Or(cmp.Compare(b.Worst, a.Worst), cmp.Compare(a.ID, b.ID)) })
	}
	for _, rule := range r.Rules {
		if fired[rule.ID] {
			page.Docs = append(page.Docs, rule)
		}
	}
	slices.SortFunc(page.Docs, func(a, b *lint.Rule) int { return cmp.Compare(a.ID, b.ID) })
	return htmlTemplate.Execute(w, page)
}

type htmlPage struct {
	Title, Root, Count string
	Summary            lint.Summary
	SVG                template.HTML
	Nodes              []*htmlNode
	Docs               []*lint.Rule
}

type htmlNode struct {
	Name, File, GraphID, Anchor string
	Worst                       lint.Severity
	Rules                       []*htmlRule
}

type htmlRule struct {
	ID         string
	Documented bool
	Worst      lint.Severity
	Findings   []htmlFinding
}

type htmlFinding struct {
	lint.Finding
	Index           int
	Severity        string
	GraphID, EdgeID string
}

func anchorID(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"anchor": anchorID,
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #202124; background: #fff; }
header, main { padding: 0 24px; }
header { border-bottom: 1px solid #dadce0; padding-bottom: 8px; }
h1 { font-size: 20px; margin: 16px 0 4px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
h4 { font-size: 13px; margin: 10px 0 4px; }
.counts span { display: inline-block; margin-right: 12px; font-weight: bold; }
.sev-error { color: #d32f2f; } .sev-warning { color: #b26a00; } .sev-info { color: #1565c0; }
.picture { overflow: auto; border: 1px solid #dadce0; border-radius: 6px; max-height: 80vh; }
.picture svg { display: block; }
ul.findings { list-style: none; padding-left: 0; margin: 0; }
li.finding { padding: 4px 8px; margin: 2px 0; border-left: 4px solid #dadce0; cursor: pointer; font-size: 13px; }
li.finding:hover, li.finding.selected { background: #f1f3f4; }
li.finding.error { border-left-color: #d32f2f; } li.finding.warning { border-left-color: #ef8f00; } li.finding.info { border-left-color: #1e88e5; }
.pos { font-family: monospace; color: #5f6368; }
.related { color: #5f6368; margin-left: 16px; font-size: 12px; }
.rule-doc { border: 1px solid #dadce0; border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.rule-doc pre { white-space: pre-wrap; font-size: 12px; background: #f8f9fa; padding: 6px; }
.node.highlight rect { stroke: #000 !important; stroke-width: 5px !important; }
.edge.highlight { stroke-width: 5px !important; }
a { color: #1a73e8; }
</style>
</head>
<body>
<header>
<h1>apimlint report: {{.Root}}</h1>
<div class="counts"><span class="sev-error">{{.Summary.Error}} errors</span><span class="sev-warning">{{.Summary.Warning}} warnings</span><span class="sev-info">{{.Summary.Info}} info</span><span>{{.Summary.Nodes}} nodes</span></div>
<p id="summary">{{.Count}} in {{.Summary.Nodes}} nodes. Click a finding to highlight its node in the picture.</p>
</header>
<main>
<h2 id="topology">Topology</h2>
<div class="picture" id="picture">{{.SVG}}</div>
<h2 id="findings">Findings</h2>
{{if not .Nodes}}<p>No findings.</p>{{end}}
{{range .Nodes}}<section class="node-findings" id="{{.Anchor}}" data-node="{{.GraphID}}">
<h3>{{.Name}}{{if .GraphID}} <a class="to-node" href="#node-{{.GraphID}}" data-node="{{.GraphID}}">show in picture</a>{{end}}{{if .File}} <span class="pos">{{.File}}</span>{{end}}</h3>
{{range .Rules}}<h4><span class="sev-{{.Worst}}">{{.ID}}</span>{{if .Documented}} <a href="#rule-{{anchor .ID}}">explanation</a>{{end}} ({{len .Findings}})</h4>
<ul class="findings">
{{range .Findings}}<li class="finding {{.Severity}}" id="finding-{{.Index}}" data-node="{{.GraphID}}" data-edge="{{.EdgeID}}" data-rule="{{.Rule}}" tabindex="0"><span class="pos">{{.File}}:{{.Line}}:{{.Column}}</span> <span class="sev-{{.Severity}}">{{.Severity}}</span>: {{.Message}}{{if .GraphID}} <a href="#node-{{.GraphID}}">node</a>{{end}}
{{range .Related}}<div class="related"><span class="pos">{{.File}}:{{.Line}}:{{.Column}}</span> {{.Message}}</div>{{end}}</li>
{{end}}</ul>
{{end}}</section>
{{end}}
{{if .Docs}}<h2 id="rules">Rules</h2>{{end}}
{{range .Docs}}<section class="rule-doc" id="rule-{{anchor .ID}}">
<h3>{{.ID}} <span class="sev-{{.Severity}}">({{.Severity}})</span></h3>
<p><strong>{{.Summary}}</strong></p>
<pre>{{.Doc}}</pre>
{{if .Fix}}<h4>Fix</h4><pre>{{.Fix}}</pre>{{end}}
</section>
{{end}}
</main>
<script>
(function () {
  "use strict";
  function clear() {
    document.querySelectorAll(".highlight").forEach(function (el) { el.classList.remove("highlight"); });
    document.querySelectorAll("li.finding.selected").forEach(function (el) { el.classList.remove("selected"); });
  }
  function show(nodeID, edgeID) {
    clear();
    var node = nodeID && document.getElementById("node-" + nodeID);
    if (node) {
      node.classList.add("highlight");
      node.scrollIntoView({block: "center", inline: "center"});
    }
    var edge = edgeID && document.getElementById("edge-" + edgeID);
    if (edge) { edge.classList.add("highlight"); }
  }
  document.querySelectorAll("li.finding").forEach(function (li) {
    function pick(ev) {
      if (ev.target.tagName === "A") { return; }
      show(li.dataset.node, li.dataset.edge);
      li.classList.add("selected");
    }
    li.addEventListener("click", pick);
    li.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { pick(ev); } });
  });
  document.querySelectorAll("a.to-node").forEach(function (a) {
    a.addEventListener("click", function (ev) { ev.preventDefault(); show(a.dataset.node, ""); });
  });
  document.querySelectorAll("svg .node").forEach(function (g) {
    g.style.cursor = "pointer";
    g.addEventListener("click", function () {
      var id = g.id.replace(/^node-/, "");
      var sec = document.querySelector('section.node-findings[data-node="' + id + '"]');
      show(id, "");
      if (sec) { sec.scrollIntoView({block: "start"}); }
    });
  });
})();
</script>
</body>
</html>
`))

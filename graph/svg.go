package graph

import (
	"bufio"
	"cmp"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// The SVG is laid out by apimlint itself, so that no Graphviz is needed:
// role groups are rows (gateways on top, then load balancers, control
// planes, traffic managers, and databases and unknown hosts at the
// bottom). Edges never cross a box: an edge between neighbouring rows
// stays in the channel between them, an edge that skips rows runs down a
// lane that is free in every row it passes, an edge within a row arcs
// through the channel above it, and a loop sits in the gap to the right of
// its node. Edges with a finding take its severity colour; errors and
// warnings also carry a numbered badge that the list below the picture
// explains with the rule ID (info findings stay thin: the rule is in the
// edge's tooltip), so that the picture is not buried under labels.

const (
	svgMargin     = 24.0
	svgLabelCol   = 150.0 // the group names, left of the rows
	svgGap        = 100.0 // between boxes of a row: lanes and loops live here
	svgMaxPerRow  = 8
	svgNodeH      = 46.0
	svgChannelMin = 64.0
	svgTrack      = 7.0
	svgTitleH     = 40.0
	svgLoopRoom   = 40.0 // right of a box with loops, kept free of lanes
)

type svgBox struct {
	n          *Node
	x, y, w, h float64
	row        int
	loops      int
}

func (b *svgBox) cx() float64 { return b.x + b.w/2 }

type svgEnd struct {
	other float64 // where the other end is, to order the ends of a side
	x     float64
}

type svgEdge struct {
	e        *Edge
	from, to *svgBox
	kind     int // edgeSelf, edgeSame, edgeAdjacent, edgeSkip
	down     bool
	lane     float64
	track1   int // track in the channel next to the source row
	track2   int // track in the channel next to the target row
	ends     [2]*svgEnd
	path     string
	badge    int
	bx, by   float64
	at       func(t float64) (x, y float64) // a point along the path, 0 ≤ t ≤ 1
	loopIdx  int
	channel1 int
	channel2 int
	// bus names the edges that skip rows towards one target, of one kind and
	// severity: they share a lane, their tracks and the target's port, so
	// that a thousand links draw as one trunk rather than a thousand lines.
	bus string
}

const (
	edgeSelf = iota
	edgeSame
	edgeAdjacent
	edgeSkip
)

// layerOf places a group in a row band.
func layerOf(group string) int {
	switch group {
	case "gateways":
		return 0
	case "load balancers and Services":
		return 1
	case "control planes", "all-in-one nodes", "key managers":
		return 2
	case "traffic managers":
		return 3
	}
	return 4
}

func textWidth(s string, size float64) float64 {
	n := 0
	for range s {
		n++
	}
	return float64(n) * size * 0.58
}

// findingLine is the third line of a box with findings: "2 rules: a, b".
func findingLine(n *Node) string {
	if len(n.Rules) == 0 {
		return ""
	}
	return ruleList(n.Rules, 2)
}

// WriteSVG draws the graph as a standalone SVG image.
func WriteSVG(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	writeSVG(bw, g, "")
	return bw.Flush()
}

// writeSVG draws the graph; idPrefix comes after the kind in element IDs
// (node-f1-cp_1 for FleetIDPrefix(0)), so that a page embedding several
// pictures finds a node as "node-" + prefix + ID.
// It returns the picture's width and height.
func writeSVG(bw *bufio.Writer, g *Graph, idPrefix string) (float64, float64) {
	// Rows.
	var rows [][]*svgBox
	var rowLayer []int
	boxes := map[string]*svgBox{}
	var rowGroups [][]string
	for _, n := range g.Nodes {
		l := layerOf(n.Group)
		if len(rows) == 0 || rowLayer[len(rows)-1] != l || len(rows[len(rows)-1]) == svgMaxPerRow {
			rows = append(rows, nil)
			rowLayer = append(rowLayer, l)
			rowGroups = append(rowGroups, nil)
		}
		r := len(rows) - 1
		w := max(textWidth(n.Name, 12.5)+6, textWidth(n.Note(), 10), textWidth(findingLine(n), 10)) + 20
		w = math.Min(math.Max(w, 110), 300)
		h := svgNodeH
		if findingLine(n) != "" {
			h += 13
		}
		b := &svgBox{n: n, w: w, h: h, row: r}
		rows[r] = append(rows[r], b)
		boxes[n.ID] = b
		if gs := rowGroups[r]; len(gs) == 0 || gs[len(gs)-1] != n.Group {
			rowGroups[r] = append(rowGroups[r], n.Group)
		}
	}
	contentW := 0.0
	for _, r := range rows {
		contentW = math.Max(contentW, rowWidth(r))
	}
	left := svgMargin + svgLabelCol + svgGap
	for _, r := range rows {
		x := left + (contentW-rowWidth(r))/2
		for _, b := range r {
			b.x = x
			x += b.w + svgGap
		}
	}
	width := left + contentW + svgGap + svgMargin

	// Classify edges and choose lanes.
	var edges []*svgEdge
	for _, e := range g.Edges {
		se := &svgEdge{e: e, from: boxes[e.From], to: boxes[e.To]}
		if se.from == nil || se.to == nil {
			continue
		}
		d := se.to.row - se.from.row
		switch {
		case se.from == se.to:
			se.kind = edgeSelf
			se.loopIdx = se.from.loops
			se.from.loops++
		case d == 0:
			se.kind = edgeSame
		case d == 1 || d == -1:
			se.kind = edgeAdjacent
		default:
			se.kind = edgeSkip
		}
		se.down = d > 0
		if se.kind == edgeSkip {
			se.bus = fmt.Sprintf("%s|%t|%s|%d|%t", e.To, se.down, e.Kind, e.Severity, e.Unresolved)
		}
		edges = append(edges, se)
	}
	chooseLanes(rows, edges, left-svgGap/2, left+contentW+svgGap/2)

	// Tracks in the channels: channel i lies above row i (0 is above the first row).
	tracks := make([]int, len(rows)+1)
	busTrack := map[string]int{} // bus and channel -> track
	track := func(bus string, c int) int {
		k := fmt.Sprintf("%s@%d", bus, c)
		if t, ok := busTrack[k]; ok {
			return t
		}
		busTrack[k] = tracks[c]
		tracks[c]++
		return busTrack[k]
	}
	for _, se := range edges {
		switch se.kind {
		case edgeSkip:
			c1, c2 := se.from.row+1, se.to.row
			if !se.down {
				c1, c2 = se.from.row, se.to.row+1
			}
			se.channel1, se.channel2 = c1, c2
			se.track1 = track(se.bus, c1)
			se.track2 = track(se.bus, c2)
		case edgeSame:
			se.channel1 = se.from.row
			se.track1 = tracks[se.from.row]
			tracks[se.from.row]++
		}
	}
	chanH := make([]float64, len(rows)+1)
	for i := range chanH {
		chanH[i] = math.Max(svgChannelMin, 28+float64(tracks[i])*svgTrack)
		if (i == 0 || i == len(rows)) && tracks[i] == 0 {
			chanH[i] = 20 // above the first row and below the last, only what arcs and loops need
		}
	}
	y := svgMargin + svgTitleH + chanH[0]
	rowTop := make([]float64, len(rows))
	rowH := make([]float64, len(rows))
	for i, r := range rows {
		rowTop[i] = y
		for _, b := range r {
			rowH[i] = math.Max(rowH[i], b.h)
		}
		for _, b := range r {
			b.y = y + (rowH[i]-b.h)/2
		}
		y += rowH[i] + chanH[i+1]
	}
	chanTop := func(c int) float64 { // top of channel c
		if c == 0 {
			return svgMargin + svgTitleH
		}
		return rowTop[c-1] + rowH[c-1]
	}

	// Ports: the ends of the edges on the top and bottom of each box,
	// ordered by where the other end is so that edges do not cross there.
	type side struct {
		id  string
		top bool
	}
	sides := map[side][]*svgEnd{}
	busEnd := map[string]*svgEnd{}
	for _, se := range edges {
		if se.kind == edgeSelf {
			continue
		}
		if end, ok := busEnd[se.bus]; ok && se.bus != "" {
			// The bus already has its port on the target.
			se.ends[0] = &svgEnd{other: se.lane}
			se.ends[1] = end
			srcTop := !se.down
			sides[side{se.from.n.ID, srcTop}] = append(sides[side{se.from.n.ID, srcTop}], se.ends[0])
			continue
		}
		otherFrom, otherTo := se.to.cx(), se.from.cx()
		if se.kind == edgeSkip {
			otherFrom, otherTo = se.lane, se.lane
		}
		srcTop, dstTop := !se.down, se.down
		if se.kind == edgeSame {
			srcTop, dstTop = true, true
		}
		se.ends[0] = &svgEnd{other: otherFrom}
		se.ends[1] = &svgEnd{other: otherTo}
		sides[side{se.from.n.ID, srcTop}] = append(sides[side{se.from.n.ID, srcTop}], se.ends[0])
		sides[side{se.to.n.ID, dstTop}] = append(sides[side{se.to.n.ID, dstTop}], se.ends[1])
		if se.bus != "" {
			busEnd[se.bus] = se.ends[1]
		}
	}
	for s, ends := range sides {
		b := boxes[s.id]
		slices.SortStableFunc(ends, func(a, c *svgEnd) int { return cmp.Compare(a.other, c.other) })
		pad := math.Min(14, b.w/4)
		for i, end := range ends {
			end.x = b.x + pad + (b.w-2*pad)*(float64(i)+0.5)/float64(len(ends))
		}
	}

	// Paths.
	badge := 0
	for _, se := range edges {
		f, t := se.from, se.to
		switch se.kind {
		case edgeSelf:
			k := float64(se.loopIdx)
			x0 := f.x + f.w
			y0 := f.y + f.h/2 - 8 - k*3
			y1 := f.y + f.h/2 + 8 + k*3
			reach := 16 + k*9
			se.path = fmt.Sprintf("M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", x0, y0, x0+reach, y0-10, x0+reach, y1+10, x0+1, y1)
			se.at = cubic([4][2]float64{{x0, y0}, {x0 + reach, y0 - 10}, {x0 + reach, y1 + 10}, {x0 + 1, y1}})
		case edgeSame:
			sx, tx := se.ends[0].x, se.ends[1].x
			top := f.y
			ct := chanTop(f.row)
			h := math.Min(rowTop[f.row]-ct-8, 18+float64(se.track1)*svgTrack+math.Abs(tx-sx)/10)
			se.path = fmt.Sprintf("M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", sx, top, sx, top-h*1.33, tx, top-h*1.33, tx, t.y)
			se.at = cubic([4][2]float64{{sx, top}, {sx, top - h*1.33}, {tx, top - h*1.33}, {tx, t.y}})
		case edgeAdjacent:
			sx, tx := se.ends[0].x, se.ends[1].x
			var sy, ty float64
			if se.down {
				sy, ty = f.y+f.h, t.y
			} else {
				sy, ty = f.y, t.y+t.h
			}
			my := (sy + ty) / 2
			se.path = fmt.Sprintf("M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", sx, sy, sx, my, tx, my, tx, ty)
			se.at = cubic([4][2]float64{{sx, sy}, {sx, my}, {tx, my}, {tx, ty}})
		case edgeSkip:
			sx, tx := se.ends[0].x, se.ends[1].x
			sy, ty := f.y+f.h, t.y
			if !se.down {
				sy, ty = f.y, t.y+t.h
			}
			y1 := chanTop(se.channel1) + 14 + float64(se.track1)*svgTrack
			y2 := chanTop(se.channel2) + 14 + float64(se.track2)*svgTrack
			se.path = roundedPath([][2]float64{{sx, sy}, {sx, y1}, {se.lane, y1}, {se.lane, y2}, {tx, y2}, {tx, ty}}, 6)
			lane := se.lane
			se.at = func(u float64) (float64, float64) { return lane, y1 + (y2-y1)*u }
		}
		if se.e.Severity >= lint.SeverityWarning {
			badge++
			se.badge = badge
		}
	}
	placeBadges(edges, boxes)

	// Legend and the list of broken links below the picture.
	legendY := y + 10
	var broken []*svgEdge
	for _, se := range edges {
		if se.badge > 0 {
			broken = append(broken, se)
		}
	}
	height := legendY + 44 + float64(len(broken))*16 + svgMargin
	if len(broken) > 0 {
		height += 20
	}

	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="Helvetica, Arial, sans-serif" role="img" aria-label="%s">`+"\n",
		width, height, width, height, esc("apimlint topology of "+g.Name))
	p("<title>%s</title>\n", esc("apimlint topology of "+g.Name))
	p("<defs>\n")
	for _, c := range arrowColors(edges) {
		p(`<marker id="arrow-%s%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+"\n", idPrefix, c[1:], c)
	}
	p("</defs>\n")
	p(`<rect x="0" y="0" width="%.0f" height="%.0f" fill="#ffffff"/>`+"\n", width, height)
	s := g.Summary
	p(`<text x="%.0f" y="%.0f" font-size="16" font-weight="bold" fill="#202124">%s</text>`+"\n", svgMargin, svgMargin+14, esc(g.Name))
	p(`<text x="%.0f" y="%.0f" font-size="11" fill="#5f6368">%s</text>`+"\n", svgMargin, svgMargin+30,
		esc(fmt.Sprintf("%d nodes · %d errors, %d warnings, %d info · %d edges", s.Nodes, s.Error, s.Warning, s.Info, len(g.Edges))))
	// Row bands with their group names.
	for i, r := range rows {
		if len(r) == 0 {
			continue
		}
		label := strings.Join(rowGroups[i], ", ")
		p(`<rect x="%.0f" y="%.1f" width="%.0f" height="%.1f" rx="6" fill="#f8f9fa"/>`+"\n", svgMargin, rowTop[i]-8, width-2*svgMargin, rowH[i]+16)
		p(`<text x="%.0f" y="%.1f" font-size="11" font-weight="bold" fill="#5f6368">%s</text>`+"\n", svgMargin+8, rowTop[i]+rowH[i]/2+4, esc(label))
	}
	// Edges: load-balancer membership first, then links, findings last.
	slices.SortStableFunc(edges, func(a, b *svgEdge) int {
		return cmp.Or(cmp.Compare(boolInt(a.e.Kind != EdgeFronts), boolInt(b.e.Kind != EdgeFronts)), cmp.Compare(a.e.Severity, b.e.Severity))
	})
	p("<g class=\"edges\" fill=\"none\">\n")
	for _, se := range edges {
		e := se.e
		c := edgeColor(e)
		width := 1.3
		switch {
		case e.Severity >= lint.SeverityWarning:
			width = 2.6
		case e.Severity == lint.SeverityInfo:
			width = 1.6
		}
		dash := ""
		switch {
		case e.Kind == EdgeFronts:
			dash = ` stroke-dasharray="2 3"`
		case e.Unresolved:
			dash = ` stroke-dasharray="6 4"`
		}
		marker := ""
		if e.Kind != EdgeFronts {
			marker = fmt.Sprintf(` marker-end="url(#arrow-%s%s)"`, idPrefix, c[1:])
		}
		p(`<path id="edge-%s%s" class="edge" data-from="%s" data-to="%s" d="%s" stroke="%s" stroke-width="%.1f"%s%s><title>%s</title></path>`+"\n",
			idPrefix, e.ID, e.From, e.To, se.path, c, width, dash, marker, esc(edgeTitle(g, e)))
	}
	p("</g>\n")
	// Boxes above the edges.
	p("<g class=\"nodes\">\n")
	for _, r := range rows {
		for _, b := range r {
			writeBox(p, b, idPrefix)
		}
	}
	p("</g>\n")
	for _, se := range broken {
		c := severityColor(se.e.Severity)
		p(`<g class="badge"><circle cx="%.1f" cy="%.1f" r="8" fill="%s" stroke="#ffffff" stroke-width="1.5"/><text x="%.1f" y="%.1f" font-size="9" font-weight="bold" fill="#ffffff" text-anchor="middle">%d</text></g>`+"\n",
			se.bx, se.by, c, se.bx, se.by+3, se.badge)
	}
	// Legend.
	lx := svgMargin
	p(`<g class="legend" font-size="10" fill="#3c4043">` + "\n")
	kinds := usedKinds(g)
	for _, k := range kinds {
		label := k.Label()
		if k == EdgeFronts {
			label = "load balancer in front of"
		}
		p(`<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="%s" stroke-width="2"/><text x="%.0f" y="%.1f">%s</text>`+"\n",
			lx, legendY+4, lx+18, legendY+4, kindColors[k], lx+22, legendY+7, esc(label))
		lx += 30 + textWidth(label, 10)
		if lx > width-160 {
			lx = svgMargin
			legendY += 14
		}
	}
	legendY += 18
	lx = svgMargin
	for _, sv := range []lint.Severity{lint.SeverityError, lint.SeverityWarning, lint.SeverityInfo} {
		p(`<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="%s" stroke-width="3"/><text x="%.0f" y="%.1f">%s finding</text>`+"\n",
			lx, legendY+4, lx+18, legendY+4, severityColor(sv), lx+22, legendY+7, sv)
		lx += 110
	}
	p(`<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="%s" stroke-width="1.5" stroke-dasharray="6 4"/><text x="%.0f" y="%.1f">to a host that matches no node</text>`+"\n",
		lx, legendY+4, lx+18, legendY+4, colorEdge, lx+22, legendY+7)
	p("</g>\n")
	if len(broken) > 0 {
		ly := legendY + 30
		p(`<g class="broken" font-size="11" fill="#202124">` + "\n")
		p(`<text x="%.0f" y="%.1f" font-weight="bold">Links with errors and warnings</text>`+"\n", svgMargin, ly)
		slices.SortFunc(broken, func(a, b *svgEdge) int { return cmp.Compare(a.badge, b.badge) })
		for _, se := range broken {
			ly += 16
			e := se.e
			p(`<circle cx="%.0f" cy="%.1f" r="7" fill="%s"/><text x="%.0f" y="%.1f" font-size="9" font-weight="bold" fill="#ffffff" text-anchor="middle">%d</text>`,
				svgMargin+7, ly-4, severityColor(e.Severity), svgMargin+7, ly-1, se.badge)
			p(`<text x="%.0f" y="%.1f">%s</text>`+"\n", svgMargin+20, ly, esc(fmt.Sprintf("%s → %s  %s  %s  (%s)",
				g.Node(e.From).Name, g.Node(e.To).Name, e.Label(), e.Where(), strings.Join(e.Rules, ", "))))
		}
		p("</g>\n")
	}
	p("</svg>\n")
	return width, height
}

func writeBox(p func(string, ...any), b *svgBox, idPrefix string) {
	n := b.n
	stroke, sw := "#80868b", 1.2
	if c := severityColor(n.Severity); c != "" {
		stroke, sw = c, 2.6
	}
	dash := ""
	if n.Kind == KindUnknownHost || n.Placeholder {
		dash = ` stroke-dasharray="5 3"`
	}
	rx := 8.0
	if n.Kind == KindDatabase {
		rx = 16
	}
	if n.Kind == KindLoadBalancer {
		rx = 20
	}
	title := nodeTitle(n)
	p(`<g id="node-%s%s" class="node" data-name="%s"><title>%s</title>`, idPrefix, n.ID, esc(n.Name), esc(title))
	p(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="%.0f" fill="%s" stroke="%s" stroke-width="%.1f"%s/>`,
		b.x, b.y, b.w, b.h, rx, groupFill(n), stroke, sw, dash)
	p(`<text x="%.1f" y="%.1f" font-size="12.5" font-weight="bold" fill="#202124" text-anchor="middle">%s</text>`, b.cx(), b.y+19, esc(clip(n.Name, b.w, 12.5)))
	p(`<text x="%.1f" y="%.1f" font-size="10" fill="#5f6368" text-anchor="middle">%s</text>`, b.cx(), b.y+34, esc(clip(n.Note(), b.w, 10)))
	if fl := findingLine(n); fl != "" {
		p(`<text x="%.1f" y="%.1f" font-size="10" fill="%s" text-anchor="middle">%s</text>`, b.cx(), b.y+48, severityColor(n.Severity), esc(clip(fl, b.w, 10)))
	}
	p("</g>\n")
}

// nodeTitle is a node's tooltip: name, role, file, members, findings.
func nodeTitle(n *Node) string {
	title := n.Name + " — " + n.Note()
	if n.File != "" {
		title += "\n" + n.File
	}
	if n.Reason != "" {
		title += "\n" + n.Reason
	}
	if len(n.Members) > 1 {
		title += "\n" + fmt.Sprintf("%d nodes: %s", len(n.Members), strings.Join(firstN(n.Members, 12), ", "))
	}
	if len(n.Rules) > 0 {
		title += fmt.Sprintf("\n%d findings: %s", n.Findings, strings.Join(n.Rules, ", "))
	}
	return title
}

func firstN(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(slices.Clone(s[:n]), fmt.Sprintf("… and %d more", len(s)-n))
}

// clip shortens text that would overflow a box of width w.
func clip(s string, w, size float64) string {
	room := int((w - 12) / (size * 0.58))
	r := []rune(s)
	if len(r) <= room || room < 4 {
		return s
	}
	return string(r[:room-1]) + "…"
}

func edgeTitle(g *Graph, e *Edge) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s → %s: %s", g.Node(e.From).Name, g.Node(e.To).Name, e.Label())
	for i, v := range e.Via {
		if i == 6 {
			fmt.Fprintf(&b, "\n… and %d more keys", len(e.Via)-i)
			break
		}
		fmt.Fprintf(&b, "\n%s:%d %s", v.Key, v.Line, v.Host)
		if v.Port > 0 {
			fmt.Fprintf(&b, ":%d", v.Port)
		}
		if len(v.Rules) > 0 {
			fmt.Fprintf(&b, " (%s: %s)", v.Severity, strings.Join(v.Rules, ", "))
		}
	}
	return b.String()
}

func usedKinds(g *Graph) []lint.LinkKind {
	seen := map[lint.LinkKind]bool{}
	for _, e := range g.Edges {
		seen[e.Kind] = true
	}
	var out []lint.LinkKind
	for _, k := range append(slices.Clone(lint.LinkKinds), EdgeFronts) {
		if seen[k] {
			out = append(out, k)
		}
	}
	return out
}

func arrowColors(edges []*svgEdge) []string {
	seen := map[string]bool{}
	var out []string
	for _, se := range edges {
		c := edgeColor(se.e)
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func esc(s string) string { return html.EscapeString(s) }

func rowWidth(r []*svgBox) float64 {
	w := 0.0
	for i, b := range r {
		if i > 0 {
			w += svgGap
		}
		w += b.w
	}
	return w
}

// chooseLanes gives each bus of edges that skip rows an x where it can
// run vertically through every row between its ends without crossing a
// box: the gap nearest to the straight line, shared out among the buses
// that chose it.
func chooseLanes(rows [][]*svgBox, edges []*svgEdge, minX, maxX float64) {
	type interval struct{ l, r float64 }
	free := func(row []*svgBox) []interval {
		var out []interval
		x := minX
		for _, b := range row {
			if b.x-x > 0 {
				out = append(out, interval{x, b.x})
			}
			x = b.x + b.w
			if b.loops > 0 {
				x += svgLoopRoom // the node's loops live here
			}
		}
		return append(out, interval{x, maxX})
	}
	intersect := func(a, b []interval) []interval {
		var out []interval
		for _, p := range a {
			for _, q := range b {
				l, r := math.Max(p.l, q.l), math.Min(p.r, q.r)
				if r-l >= 12 {
					out = append(out, interval{l, r})
				}
			}
		}
		return out
	}
	type bus struct {
		edges  []*svgEdge
		lo, hi int // rows of its ends
		want   float64
	}
	buses := map[string]*bus{}
	var names []string
	for _, se := range edges {
		if se.kind != edgeSkip {
			continue
		}
		b := buses[se.bus]
		if b == nil {
			b = &bus{lo: se.to.row, hi: se.to.row}
			buses[se.bus] = b
			names = append(names, se.bus)
		}
		b.edges = append(b.edges, se)
		b.lo, b.hi = min(b.lo, se.from.row), max(b.hi, se.from.row)
	}
	users := map[interval][]*bus{}
	var order []interval
	for _, name := range names {
		b := buses[name]
		iv := []interval{{minX, maxX}}
		for r := b.lo + 1; r < b.hi; r++ {
			iv = intersect(iv, free(rows[r]))
		}
		if len(iv) == 0 {
			iv = []interval{{minX - svgGap/2, minX}}
		}
		sum := 0.0
		for _, se := range b.edges {
			sum += se.from.cx()
		}
		b.want = (sum/float64(len(b.edges)) + b.edges[0].to.cx()) / 2
		best, bestD := iv[0], math.Inf(1)
		for _, v := range iv {
			d := 0.0
			if b.want < v.l {
				d = v.l - b.want
			} else if b.want > v.r {
				d = b.want - v.r
			}
			if d < bestD {
				best, bestD = v, d
			}
		}
		if _, ok := users[best]; !ok {
			order = append(order, best)
		}
		users[best] = append(users[best], b)
	}
	for _, v := range order {
		bs := users[v]
		slices.SortStableFunc(bs, func(a, b *bus) int { return cmp.Compare(a.want, b.want) })
		pad := math.Min(10, (v.r-v.l)/4)
		for i, b := range bs {
			x := v.l + pad + (v.r-v.l-2*pad)*(float64(i)+0.5)/float64(len(bs))
			for _, se := range b.edges {
				se.lane = x
			}
		}
	}
}

// roundedPath draws a polyline with rounded corners.
func roundedPath(pts [][2]float64, r float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "M%.1f,%.1f", pts[0][0], pts[0][1])
	for i := 1; i < len(pts)-1; i++ {
		p0, p1, p2 := pts[i-1], pts[i], pts[i+1]
		d1 := math.Hypot(p1[0]-p0[0], p1[1]-p0[1])
		d2 := math.Hypot(p2[0]-p1[0], p2[1]-p1[1])
		rr := math.Min(r, math.Min(d1, d2)/2)
		if rr < 0.5 {
			fmt.Fprintf(&b, " L%.1f,%.1f", p1[0], p1[1])
			continue
		}
		ax := p1[0] - (p1[0]-p0[0])/d1*rr
		ay := p1[1] - (p1[1]-p0[1])/d1*rr
		bx := p1[0] + (p2[0]-p1[0])/d2*rr
		by := p1[1] + (p2[1]-p1[1])/d2*rr
		fmt.Fprintf(&b, " L%.1f,%.1f Q%.1f,%.1f %.1f,%.1f", ax, ay, p1[0], p1[1], bx, by)
	}
	last := pts[len(pts)-1]
	fmt.Fprintf(&b, " L%.1f,%.1f", last[0], last[1])
	return b.String()
}

// cubic is a point along a cubic Bézier curve.
func cubic(p [4][2]float64) func(float64) (float64, float64) {
	return func(t float64) (float64, float64) {
		u := 1 - t
		a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
		return a*p[0][0] + b*p[1][0] + c*p[2][0] + d*p[3][0], a*p[0][1] + b*p[1][1] + c*p[2][1] + d*p[3][1]
	}
}

// placeBadges puts each numbered badge on its edge where it neither
// covers another badge nor a box: the middle of the edge first, then
// further towards its ends.
func placeBadges(edges []*svgEdge, boxes map[string]*svgBox) {
	const r = 9.0
	var placed [][2]float64
	free := func(x, y float64) bool {
		for _, p := range placed {
			if math.Hypot(p[0]-x, p[1]-y) < 2*r {
				return false
			}
		}
		for _, b := range boxes {
			if x > b.x-r && x < b.x+b.w+r && y > b.y-r && y < b.y+b.h+r {
				return false
			}
		}
		return true
	}
	for _, se := range edges {
		if se.badge == 0 || se.at == nil {
			continue
		}
		se.bx, se.by = se.at(0.5)
		for _, t := range []float64{0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82, 0.1, 0.9} {
			if x, y := se.at(t); free(x, y) {
				se.bx, se.by = x, y
				break
			}
		}
		placed = append(placed, [2]float64{se.bx, se.by})
	}
}

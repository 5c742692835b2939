package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// summarise draws every set of at least `at` fleet nodes of one role that
// have the same links (same kinds to the same targets, from the same
// sources, with the same findings) as one node: "gw-1 … gw-2400". A node
// whose links differ, a gateway with a broken URL among thousands, stays
// on its own and so stands out.
func summarise(g *Graph, at int) {
	out := map[string][]string{}
	in := map[string][]string{}
	for _, e := range g.Edges {
		to := e.To
		if e.To == e.From {
			to = "(self)"
		}
		keys := map[string]bool{}
		for _, v := range e.Via {
			keys[lint.GenericPath(v.Key)] = true
		}
		ks := make([]string, 0, len(keys))
		for k := range keys {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		out[e.From] = append(out[e.From], fmt.Sprintf("%s>%s|%d|%s|%s", e.Kind, to, e.Severity, strings.Join(e.Rules, ","), strings.Join(ks, ",")))
		if e.To != e.From {
			in[e.To] = append(in[e.To], fmt.Sprintf("%s<%s|%d|%s", e.Kind, e.From, e.Severity, strings.Join(e.Rules, ",")))
		}
	}
	bySig := map[string][]*Node{}
	var sigs []string
	for _, n := range g.Nodes {
		if n.Kind != KindNode {
			continue
		}
		o, i := out[n.ID], in[n.ID]
		slices.Sort(o)
		slices.Sort(i)
		sig := strings.Join([]string{n.Role, fmt.Sprint(n.Severity), strings.Join(n.Rules, ","), strings.Join(o, ";"), strings.Join(i, ";")}, "\n")
		if _, seen := bySig[sig]; !seen {
			sigs = append(sigs, sig)
		}
		bySig[sig] = append(bySig[sig], n)
	}
	rep := map[string]string{}      // member ID -> summary ID
	first := map[string]bool{}      // IDs of the members whose keys the summary shows
	summaries := map[string]*Node{} // summary ID -> node
	g.byName = map[string]string{}
	for _, sig := range sigs {
		members := bySig[sig]
		if len(members) < at {
			continue
		}
		slices.SortFunc(members, func(a, b *Node) int { return naturalCompare(a.Name, b.Name) })
		s := &Node{ID: "grp_" + members[0].ID, Kind: KindNode, Role: members[0].Role, Group: members[0].Group,
			Name:     members[0].Name + " … " + members[len(members)-1].Name,
			Severity: members[0].Severity, Rules: members[0].Rules}
		for _, m := range members {
			s.Members = append(s.Members, m.Name)
			s.Findings += m.Findings
			rep[m.ID] = s.ID
			g.byName[m.Name] = s.ID
		}
		first[members[0].ID] = true
		summaries[s.ID] = s
	}
	if len(rep) == 0 {
		return
	}
	var nodes []*Node
	added := map[string]bool{}
	for _, n := range g.Nodes {
		id, ok := rep[n.ID]
		if !ok {
			nodes = append(nodes, n)
			continue
		}
		if !added[id] {
			added[id] = true
			nodes = append(nodes, summaries[id])
		}
	}
	g.Nodes = nodes
	merged := map[edgeKey]*Edge{}
	var edges []*Edge
	for _, e := range g.Edges {
		from, to := e.From, e.To
		fromMember := false
		if r, ok := rep[from]; ok {
			fromMember = !first[from]
			from = r
		}
		if r, ok := rep[to]; ok {
			to = r
		}
		k := edgeKey{from, to, e.Kind}
		if m, ok := merged[k]; ok {
			if !fromMember {
				m.Via = append(m.Via, e.Via...)
			}
			continue
		}
		ne := *e
		ne.From, ne.To = from, to
		if fromMember {
			ne.Via = []Via{}
		}
		merged[k] = &ne
		edges = append(edges, &ne)
	}
	g.Edges = edges
}

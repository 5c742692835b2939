package graph

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// summarise draws every set of at least `at` fleet nodes of one role that
// have the same links (same kinds to the same targets, from the same
// sources, with the same findings) as one node: "gw-1 … gw-2400". A node
// whose links differ, a gateway with a broken URL among thousands, stays
// on its own and so stands out.
func summarise(g *Graph, at int) {
	// A node's links are a multiset of strings; it is kept as an
	// order-independent digest (count, sum and xor of 64-bit hashes) so
	// that a control plane with thousands of incoming links costs no sort.
	out := map[string]*linkDigest{}
	in := map[string]*linkDigest{}
	add := func(m map[string]*linkDigest, id, s string) {
		d := m[id]
		if d == nil {
			d = &linkDigest{}
			m[id] = d
		}
		h := fnv.New64a()
		h.Write([]byte(s))
		x := h.Sum64()
		d.n++
		d.sum += x
		d.xor ^= x * 0x9e3779b97f4a7c15
	}
	generic := map[string]string{} // indexed key path -> generic path
	var sb strings.Builder
	for _, e := range g.Edges {
		to := e.To
		if e.To == e.From {
			to = "(self)"
		}
		var keys []string
		for _, v := range e.Via {
			gp, ok := generic[v.Key]
			if !ok {
				gp = lint.GenericPath(v.Key)
				generic[v.Key] = gp
			}
			if !slices.Contains(keys, gp) {
				keys = append(keys, gp)
			}
		}
		slices.Sort(keys)
		rules := strings.Join(e.Rules, ",")
		sb.Reset()
		sb.WriteString(string(e.Kind))
		sb.WriteByte('>')
		sb.WriteString(to)
		sb.WriteByte('|')
		sb.WriteString(strconv.Itoa(int(e.Severity)))
		sb.WriteByte('|')
		sb.WriteString(rules)
		sb.WriteByte('|')
		sb.WriteString(strings.Join(keys, ","))
		add(out, e.From, sb.String())
		if e.To != e.From {
			sb.Reset()
			sb.WriteString(string(e.Kind))
			sb.WriteByte('<')
			sb.WriteString(e.From)
			sb.WriteByte('|')
			sb.WriteString(strconv.Itoa(int(e.Severity)))
			sb.WriteByte('|')
			sb.WriteString(rules)
			add(in, e.To, sb.String())
		}
	}
	bySig := map[string][]*Node{}
	var sigs []string
	for _, n := range g.Nodes {
		if n.Kind != KindNode {
			continue
		}
		sig := fmt.Sprintf("%s\n%d\n%s\n%v\n%v", n.Role, n.Severity, strings.Join(n.Rules, ","), out[n.ID].key(), in[n.ID].key())
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

// linkDigest sums up a multiset of link signatures.
type linkDigest struct {
	n        int
	sum, xor uint64
}

func (d *linkDigest) key() [3]uint64 {
	if d == nil {
		return [3]uint64{}
	}
	return [3]uint64{uint64(d.n), d.sum, d.xor}
}

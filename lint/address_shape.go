package lint

import (
	"strings"
	"sync"
)

// roleShapes counts, for the nodes of one role, how many have an address
// of each shape (HostShape) and each front name (an address without its
// number tokens). Endpoint rules ask, per URL to an unknown host, whether
// the host is shaped like every node's address; answered by a scan of the
// role each time, a fleet whose gateways all name one mistyped host cost
// O(gateways × role).
type roleShapes struct {
	nodes int
	shape map[string]int
	front map[string]int
}

type shapeIndex struct {
	mu     sync.Mutex
	byRole map[Role]*roleShapes
}

func (b *AddressBook) shapesOf(r Role) *roleShapes {
	b.shapes.mu.Lock()
	defer b.shapes.mu.Unlock()
	if s, ok := b.shapes.byRole[r]; ok {
		return s
	}
	nodes := b.fleet.ByRole(r)
	s := &roleShapes{nodes: len(nodes), shape: map[string]int{}, front: map[string]int{}}
	for _, n := range nodes {
		shapes, fronts := map[string]bool{}, map[string]bool{}
		for _, a := range n.Addresses {
			if sh := HostShape(a.Host); sh != "" && !shapes[sh] {
				shapes[sh] = true
				s.shape[sh]++
			}
			if fr, ok := frontName(a.Host); ok && !fronts[fr] {
				fronts[fr] = true
				s.front[fr]++
			}
		}
	}
	if b.shapes.byRole == nil {
		b.shapes.byRole = map[Role]*roleShapes{}
	}
	b.shapes.byRole[r] = s
	return s
}

// frontName is host without its number tokens (apim-acp-wso2am-acp-service
// for apim-acp-wso2am-acp-1-service); ok is false when it has none.
func frontName(host string) (string, bool) {
	var toks []string
	digits := false
	for _, t := range HostTokens(host) {
		if t[0] >= '0' && t[0] <= '9' {
			digits = true
			continue
		}
		toks = append(toks, t)
	}
	return strings.Join(toks, "-"), digits
}

// ShapedLikeAll reports whether every node of role r is addressed by a
// host of the same shape as host (apim-cp-3 beside apim-cp-1 and
// apim-cp-2): then host provably names none of them.
func (b *AddressBook) ShapedLikeAll(host string, r Role) bool {
	shape := HostShape(host)
	if shape == "" {
		return false
	}
	s := b.shapesOf(r)
	return s.shape[shape] == s.nodes
}

// FrontOfAll reports whether host is, for every node of role r, one of its
// addresses without the number: the name of a load balancer or Kubernetes
// Service in front of them.
func (b *AddressBook) FrontOfAll(host string, r Role) bool {
	toks := HostTokens(host)
	for _, t := range toks {
		if t[0] >= '0' && t[0] <= '9' {
			return false
		}
	}
	s := b.shapesOf(r)
	return s.front[strings.Join(toks, "-")] == s.nodes
}

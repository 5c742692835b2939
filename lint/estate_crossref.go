package lint

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Cross-folder references: the evidence that sibling folders holding
// nodes of the same roles are still ONE deployment.
//
// Sibling folders of the same roles are usually copied environments
// (staging/, prod/), and then each folder answers its own URLs: a gateway
// of staging/ names staging's control planes, and even when every
// environment uses the same host names (cp.wso2.com everywhere), a node
// of staging/ answers to the name staging's gateway writes. A folder per
// VM is different: with the control plane and traffic manager of an HA
// pair co-hosted on each VM (vm-a/{cp,tm}, vm-b/{cp,tm}, port offsets)
// and the gateways on VMs of their own (gw-1/, gw-2/), vm-a's control
// plane names vm-b's host in event_duplicate_url and the gateways name
// both, and no node of the naming folder answers to those hosts.
//
// The rule: a URL in an endpoint key of a node in sibling folder A whose
// host
//   - no node below A answers to (by any address, the directory name
//     included), and
//   - exactly one sibling folder B answers to, by a [server] hostname,
//     [server] node_ip or a [[node]] addresses entry (not by a directory
//     name alone, which many deployments share: cp, gateway, tm),
// joins A and B, unless A is a whole deployment on its own (it holds a
// control plane and a gateway, or an all-in-one) and no node of B names a
// host only A answers to: an HA pair names each other both ways, where a
// copied environment that names another's host by mistake, or a shared
// service, is named one way. Folders joined this way, directly or through
// others, are one deployment; the rest stay split by folder. Only folders
// that are one fleet on their own are joined (see dirTree.decide). Loopback hosts,
// placeholders, documentation hosts and database URLs are never evidence,
// and neither is a host the naming folder's own address book resolves to
// one of its nodes, a cluster hostname they share or a declared load
// balancer.

// namedHost is a host a node names in an endpoint key that no node of its
// own folder of siblings answers to.
type namedHost struct {
	host string
	key  string
}

// crossUnit is one sibling folder (or a node file directly in the folder
// being decided) and the nodes below it.
type crossUnit struct {
	rel     string
	members []*evidence
}

// crossJoin finds the sibling units that reference each other across
// folders. It returns, for each unit, the index of its component's
// representative, and per representative why the units were joined
// (one reason per join, in unit order).
func crossJoin(units []crossUnit) (find func(int) int, why map[int][]string) {
	parent := make([]int, len(units))
	for i := range parent {
		parent[i] = i
	}
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	// Which units answer to a host: by any address, and by a strong one
	// (with the first node that does, for the reason).
	anyBy := map[string]map[int]bool{}
	type owner struct {
		unit int
		node *evidence
	}
	strongBy := map[string][]owner{}
	for u, un := range units {
		for _, m := range un.members {
			for _, h := range m.answers {
				if anyBy[h] == nil {
					anyBy[h] = map[int]bool{}
				}
				anyBy[h][u] = true
				strongBy[h] = append(strongBy[h], owner{unit: u, node: m})
			}
			for _, h := range m.dirNames {
				if anyBy[h] == nil {
					anyBy[h] = map[int]bool{}
				}
				anyBy[h][u] = true
			}
		}
	}
	// The references, by direction: from the naming unit to the answering.
	named := map[[2]int]string{}
	for u, un := range units {
		for _, m := range un.members {
			for _, nh := range m.names {
				if anyBy[nh.host][u] {
					continue // answered in its own folder: no evidence
				}
				owners := strongBy[nh.host]
				if len(owners) == 0 || owners[len(owners)-1].unit != owners[0].unit {
					continue // no folder, or several, answer to it
				}
				dir := [2]int{u, owners[0].unit}
				if _, seen := named[dir]; !seen {
					var who []string
					for _, x := range owners {
						who = append(who, x.node.dir)
					}
					verb := "answers"
					if len(who) > 1 {
						verb = "answer"
					}
					named[dir] = fmt.Sprintf("%s names %s in %s, and only %s %s to it", m.dir, nh.host, nh.key, listCapped(who), verb)
				}
			}
		}
	}
	// A folder that is a whole deployment on its own (a control plane and
	// a gateway) is joined only when the reference goes both ways: an HA
	// pair names each other, where a copied environment that names
	// another's host by mistake (or a shared service) names it one way.
	whole := make([]bool, len(units))
	for u, un := range units {
		rs := roleSet(un.members)
		whole[u] = rs[RoleControlPlane] && rs[RoleGateway]
	}
	eligible := func(a, b int) bool {
		if _, ok := named[[2]int{a, b}]; !ok {
			return false
		}
		_, back := named[[2]int{b, a}]
		return !whole[a] || back
	}
	reasons := map[[2]int]string{}
	var pairs [][2]int
	for dir := range named {
		pair := [2]int{min(dir[0], dir[1]), max(dir[0], dir[1])}
		if _, seen := reasons[pair]; seen {
			continue
		}
		switch lo, hi := pair[0], pair[1]; {
		case eligible(lo, hi):
			reasons[pair] = named[[2]int{lo, hi}]
		case eligible(hi, lo):
			reasons[pair] = named[[2]int{hi, lo}]
		default:
			continue
		}
		pairs = append(pairs, pair)
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	why = map[int][]string{}
	var joins [][3]int // a, b, pair index: the joins that merged components
	for k, p := range pairs {
		ra, rb := find(p[0]), find(p[1])
		if ra == rb {
			continue
		}
		parent[ra] = rb
		joins = append(joins, [3]int{p[0], p[1], k})
	}
	for _, j := range joins {
		r := find(j[0])
		why[r] = append(why[r], reasons[pairs[j[2]]])
	}
	return find, why
}

// crossReason summarises the joins of one component for FleetPlan.Why,
// with long lists capped.
func crossReason(reasons []string) string {
	const show = 3
	if len(reasons) <= show {
		return strings.Join(reasons, "; ")
	}
	return strings.Join(reasons[:show], "; ") + "; and " + strconv.Itoa(len(reasons)-show) + " more"
}

// crossGroups applies cross-folder references to the sibling units of dir
// (which share roles). ok is false when no units were joined; otherwise
// joined are the fleets of joined units (rooted at dir) and rest the
// units left on their own, in order.
func crossGroups(dir, shared string, units []crossUnit, whole bool) (joined []group, rest []crossUnit, ok bool) {
	find, why := crossJoin(units)
	comps := map[int][]int{}
	var order []int
	for u := range units {
		r := find(u)
		if _, seen := comps[r]; !seen {
			order = append(order, r)
		}
		comps[r] = append(comps[r], u)
	}
	if len(order) == len(units) {
		return nil, units, false
	}
	k := 0
	for _, r := range order {
		us := comps[r]
		if len(us) == 1 {
			rest = append(rest, units[us[0]])
			continue
		}
		var members []*evidence
		var rels []string
		for _, u := range us {
			members = append(members, units[u].members...)
			rels = append(rels, units[u].rel)
		}
		g := group{rel: dir, members: members, why: fmt.Sprintf(
			"sibling folders %s hold nodes of the same roles (%s) but are one deployment: their nodes name hosts that only another of them answers to (%s)",
			listCapped(rels), shared, crossReason(why[r])), joined: rels}
		if len(order) > 1 || !whole {
			k++
			g.suffix = "#" + strconv.Itoa(k)
		}
		joined = append(joined, g)
	}
	return joined, rest, true
}

func listCapped(s []string) string {
	const show = 4
	if len(s) <= show {
		return strings.Join(s, ", ")
	}
	return strings.Join(s[:show], ", ") + " and " + strconv.Itoa(len(s)-show) + " more"
}

// noteNamed keeps the host of a link that no node of the folder of
// siblings answers to: a URL to a host unknown there, or to a Service the
// address book learnt from the naming alone.
func (ev *evidence) noteNamed(l Link) {
	if l.Kind == LinkDatabase || l.Placeholder || l.Host == "" || IsLoopback(l.Host) || HasPlaceholder(l.Host) {
		return
	}
	switch l.Target.Kind {
	case TargetSelf, TargetNode:
		return
	case TargetCluster:
		if !l.Target.Service {
			return // a hostname the siblings share, or a declared load balancer
		}
	}
	for _, nh := range ev.names {
		if nh.host == l.Host {
			return
		}
	}
	ev.names = append(ev.names, namedHost{host: strings.Clone(l.Host), key: strings.Clone(l.Key)})
}

// renumberAt numbers the fleets rooted at dir that carry a suffix (joined
// folders, linked loose nodes) one after another: #1, #2, …
func renumberAt(dir string, gs []group) []group {
	k := 0
	for i := range gs {
		if gs[i].rel == dir && gs[i].suffix != "" {
			k++
			gs[i].suffix = "#" + strconv.Itoa(k)
		}
	}
	return gs
}

// sortedRoles lists a role set in a stable order, so that the reasons
// discovery gives do not change from run to run.
func sortedRoles(s map[Role]bool) []Role {
	out := make([]Role, 0, len(s))
	for r := range s {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

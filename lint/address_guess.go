package lint

// SourceWorkloadName is the Source of the address a node made from
// manifests takes from its workload's name (the base of its node name, as
// a TOML node takes its directory's): a guess as well, since pods reach
// each other through Services, not workload names.
const SourceWorkloadName = "workload name"

// Guessed reports whether the address is only taken from the node's name
// (its directory's or its workload's), which rules and discovery weigh
// less than a name the node's file or the fleet states.
func (a Address) Guessed() bool {
	return a.Source == SourceDirName || a.Source == SourceWorkloadName
}

// workloadNameSource labels the address a manifest node took from its
// name truthfully: a workload's name, not a directory's.
func workloadNameSource(n *Node) {
	for i := range n.Addresses {
		if n.Addresses[i].Source == SourceDirName {
			n.Addresses[i].Source = SourceWorkloadName
		}
	}
}

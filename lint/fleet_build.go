package lint

// NewFleet assembles a fleet from nodes built one by one with NewNode:
// nodes are sorted by name, indexed and given an address book, as Load
// does. cfg may be nil. The given nodes are never changed, so one node
// can serve in several fleets (Loader re-uses the nodes of unchanged
// files): the fleet holds shallow copies whose names and addresses are
// decided afresh from their files and cfg.
func NewFleet(root string, nodes []*Node, cfg *Config) *Fleet {
	if cfg == nil {
		cfg = &Config{}
	}
	f := &Fleet{Root: root, Nodes: make([]*Node, len(nodes)), Config: cfg}
	for i, n := range nodes {
		c := *n
		nc, _ := cfg.NodeConfigFor(c.Name)
		c.Addresses = nil
		c.ownAddresses(nc)
		f.Nodes[i] = &c
	}
	f.assemble()
	return f
}

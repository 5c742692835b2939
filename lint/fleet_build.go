package lint

// NewFleet assembles a fleet from nodes built one by one with NewNode (a
// watcher re-reads only the files that changed): nodes are sorted by name,
// indexed and given an address book, as Load does. cfg may be nil. The
// nodes' addresses are recomputed from their files and cfg first, since
// an address book takes shared cluster hostnames away from nodes and a
// node may be reused in several fleets.
func NewFleet(root string, nodes []*Node, cfg *Config) *Fleet {
	if cfg == nil {
		cfg = &Config{}
	}
	f := &Fleet{Root: root, Nodes: append([]*Node(nil), nodes...), Config: cfg}
	for _, n := range f.Nodes {
		nc, _ := cfg.NodeConfigFor(n.Name)
		n.Addresses = nil
		n.ownAddresses(nc)
	}
	f.assemble()
	return f
}

package lint

import "strings"

// ConfigReported records that the problems of the config in force for p
// were reported already: a watcher that keeps p's findings from an earlier
// lint and re-lints a later fleet with the same config must not report
// them a second time (LoadFleet reports a config's problems with the
// first fleet, in estate order, that loads it).
func (e *Estate) ConfigReported(p *FleetPlan) {
	if p.ConfigFile == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cfgUsed[p.ConfigFile] = true
}

// DiscoveryEvidence digests what estate discovery reads of a node: its
// role, the addresses it answers to, the hosts its endpoint keys name and
// the shared databases (apim_db, shared_db) it uses. A watcher compares it
// before and after an edit: while it is unchanged the edit cannot change
// how DiscoverEstate splits the tree, which need not be discovered again.
func DiscoveryEvidence(n *Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(string(n.Role))
	for _, a := range n.Addresses {
		b.WriteString("\x00a:" + a.Host)
	}
	for _, r := range n.refs {
		b.WriteString("\x00r:" + r.host + "|" + r.path)
	}
	for _, db := range evidenceOf(source{}, n).dbs {
		b.WriteString("\x00d:" + db)
	}
	return b.String()
}

// Node returns the loaded node of a file, or nil.
func (l *Loader) Node(file string) *Node { return l.nodes[file] }

// ResetReported forgets which configs' problems were reported, before a
// watcher lints fleets of the same estate again (see ConfigReported).
func (e *Estate) ResetReported() {
	e.mu.Lock()
	defer e.mu.Unlock()
	clear(e.cfgUsed)
}

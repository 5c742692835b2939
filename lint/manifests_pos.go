package lint

// ManifestPosition maps a position inside a node made from a ConfigMap
// (its File is the node's virtual file) to the manifest, as findings are
// mapped: the line and column inside a literal block scalar, the data
// key's line for other forms. Other positions, and any position when m is
// nil, come back unchanged.
func (m *Manifests) ManifestPosition(p Position) Position {
	if m == nil {
		return p
	}
	mn := m.virtual[p.File]
	if mn == nil || mn.ConfigMap == nil || mn.ConfigMap.Block == nil {
		return p
	}
	p.File, p.Line, p.Column = mn.ConfigMap.Block.mapPos(p.Line, p.Column)
	return p
}

package lint

// Manifests rendered in-process (helm charts, see package helmchart) know
// where their lines were written: a ManifestOrigin maps a line of the
// rendered stream back to the chart's template (or the file a template
// includes). manifestPositions applies it after moving findings from a
// ConfigMap's TOML to the manifest's lines.

// DefaultStdinName is how findings name manifests read from standard input
// when LoadOptions.StdinName is empty: "-" is no file name a report (SARIF
// artifact URIs, GitHub annotations) can use.
const DefaultStdinName = "stdin"

// ManifestOrigin maps a position in a rendered manifest stream (1-based
// line and column) to where it was written. ok is false when the
// renderer cannot say: findings then stay at the rendered stream's line.
type ManifestOrigin interface {
	Origin(line, col int) (file string, originLine, originColumn int, ok bool)
}

// stdinName is the file name of manifests read from standard input.
func (o LoadOptions) stdinName() string {
	if o.StdinName != "" {
		return o.StdinName
	}
	return DefaultStdinName
}

// record keeps what a source says about itself beyond its bytes: where its
// lines come from and the namespace of objects that name none.
func (m *Manifests) record(s ManifestSource) {
	if s.Origin != nil {
		if m.origins == nil {
			m.origins = map[string]ManifestOrigin{}
		}
		m.origins[s.File] = s.Origin
	}
	if s.Namespace != "" {
		if m.defaultNS == nil {
			m.defaultNS = map[string]string{}
		}
		m.defaultNS[s.File] = s.Namespace
	}
}

// defaultNamespace is the namespace of an object in file that names none:
// the source's (a helm release's namespace), else "default".
func (m *Manifests) defaultNamespace(file string) string {
	if ns := m.defaultNS[file]; ns != "" {
		return ns
	}
	return "default"
}

// toOrigin moves a finding (and its related positions) in a rendered
// stream to where the renderer says the line was written.
func (m *Manifests) toOrigin(fd *Finding) {
	if len(m.origins) == 0 {
		return
	}
	if o := m.origins[fd.File]; o != nil && fd.Line > 0 {
		if file, line, col, ok := o.Origin(fd.Line, fd.Column); ok {
			fd.File, fd.Line, fd.Column = file, line, col
		}
	}
	for j := range fd.Related {
		r := &fd.Related[j]
		if o := m.origins[r.File]; o != nil && r.Line > 0 {
			if file, line, col, ok := o.Origin(r.Line, r.Column); ok {
				r.File, r.Line, r.Column = file, line, col
			}
		}
	}
}

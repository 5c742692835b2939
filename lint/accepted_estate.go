package lint

// Accepted findings of an estate. Node names are relative to each fleet's
// root, so two fleets copied from one another have equal fingerprints:
// each entry names its fleet, and a fleet is filtered only by its own
// entries (and by entries that name no fleet, from a file written when
// its directory was linted alone).

// AddFleet accepts the findings of one fleet of an estate: fingerprints
// are computed against that fleet (fl, loaded) and every entry names it.
func (a *AcceptedFile) AddFleet(name string, fl *Fleet, fs []Finding) {
	one := NewAcceptedFile(fl, fs)
	for _, e := range one.Findings {
		e.Fleet = name
		a.Findings = append(a.Findings, e)
	}
}

// ForFleet returns the entries that apply to one fleet of an estate: those
// recorded for it and those that name no fleet.
func (a *AcceptedFile) ForFleet(name string) *AcceptedFile {
	out := &AcceptedFile{Version: a.Version, Findings: []AcceptedEntry{}}
	for _, e := range a.Findings {
		if e.Fleet == "" || e.Fleet == name {
			out.Findings = append(out.Findings, e)
		}
	}
	return out
}

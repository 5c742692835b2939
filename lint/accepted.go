package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
)

// AcceptedVersion is the format version of an accepted-findings file.
const AcceptedVersion = 1

// AcceptedFile is the accepted-findings file `apimlint lint --accept FILE`
// writes: the fingerprints of the findings a team has accepted for now,
// so that a CI gate fails only on new ones. Each entry names its rule,
// node and key for review; nothing in it comes from a value, so it never
// holds a secret.
type AcceptedFile struct {
	Version  int             `json:"version"`
	Findings []AcceptedEntry `json:"findings"`
}

// AcceptedEntry is one accepted finding.
type AcceptedEntry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	Node        string `json:"node"`
	Key         string `json:"key"`
	// Fleet is the estate fleet the finding was accepted in ("": a file
	// written for one fleet; the entry applies to whatever fleet is linted).
	Fleet string `json:"fleet,omitempty"`
}

// NewAcceptedFile accepts every finding given.
func NewAcceptedFile(fl *Fleet, fs []Finding) *AcceptedFile {
	sorted := slices.Clone(fs)
	SortFindings(sorted)
	fps := Fingerprints(fl, sorted)
	out := &AcceptedFile{Version: AcceptedVersion, Findings: make([]AcceptedEntry, 0, len(sorted))}
	for i, f := range sorted {
		node := f.Node
		if node == "" {
			node = f.File
		}
		out.Findings = append(out.Findings, AcceptedEntry{Fingerprint: fps[i], Rule: f.Rule, Node: node, Key: f.Key})
	}
	return out
}

// Write writes the file as indented JSON, one entry per finding.
func (a *AcceptedFile) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(a)
}

// ParseAcceptedFile reads an accepted-findings file.
func ParseAcceptedFile(data []byte) (*AcceptedFile, error) {
	var a AcceptedFile
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("accepted findings: %w", err)
	}
	if a.Version != AcceptedVersion {
		return nil, fmt.Errorf("accepted findings: version %d, want %d", a.Version, AcceptedVersion)
	}
	for i, e := range a.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("accepted findings: entry %d has no fingerprint", i+1)
		}
	}
	return &a, nil
}

// ReadAcceptedFile reads an accepted-findings file from disk.
func ReadAcceptedFile(path string) (*AcceptedFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read accepted findings: %w", err)
	}
	a, err := ParseAcceptedFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// AcceptedFilter is the processor that hides accepted findings. After a
// run it tells how many it hid and how many accepted entries matched
// nothing (fixed since, or stale).
type AcceptedFilter struct {
	accepted map[string]int // base fingerprint -> entries left
	total    int
	hidden   int
}

// Filter returns a processor that hides the file's findings. ran reports
// whether a rule runs (nil: every rule): entries of rules that do not run
// (lint --rule) are left out, so they are not counted as fixed.
func (a *AcceptedFile) Filter(ran func(ruleID string) bool) *AcceptedFilter {
	p := &AcceptedFilter{accepted: map[string]int{}}
	for _, e := range a.Findings {
		if ran != nil && !ran(e.Rule) {
			continue
		}
		p.accepted[baseFingerprint(e.Fingerprint)]++
		p.total++
	}
	return p
}

// Name implements Processor.
func (p *AcceptedFilter) Name() string { return "accepted-findings" }

// Process hides findings whose fingerprint is accepted. Findings that
// share a fingerprint are matched one to one, in sorted order, so a second
// finding on the same key is new.
func (p *AcceptedFilter) Process(fl *Fleet, fs []Finding) ([]Finding, error) {
	left := make(map[string]int, len(p.accepted))
	for k, v := range p.accepted {
		left[k] = v
	}
	sorted := slices.Clone(fs)
	SortFindings(sorted)
	out := make([]Finding, 0, len(sorted))
	p.hidden = 0
	for _, f := range sorted {
		fp := Fingerprint(fl, f)
		if left[fp] > 0 {
			left[fp]--
			p.hidden++
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

// AcceptedStats is what an AcceptedFilter did in its last run.
type AcceptedStats struct {
	Accepted int // entries in the file
	Hidden   int // findings hidden because they are accepted
	Stale    int // entries that matched no finding: fixed since
}

// Stats reports the last run.
func (p *AcceptedFilter) Stats() AcceptedStats {
	return AcceptedStats{Accepted: p.total, Hidden: p.hidden, Stale: p.total - p.hidden}
}

// String is the summary line the CLI prints.
func (s AcceptedStats) String() string {
	return fmt.Sprintf("%d of %d accepted findings still present and hidden; %d fixed since (stale: --accept again drops them)", s.Hidden, s.Accepted, s.Stale)
}

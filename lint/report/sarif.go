package report

import (
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/apimlint/apimlint/lint"
)

func init() { Register("sarif", SARIF) }

// SARIFSchemaURI is the schema SARIF output declares.
const SARIFSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

// sarifBaseID names the directory artifact URIs are relative to: the
// working directory, which in CI is the checkout GitHub resolves them
// against.
const sarifBaseID = "SRCROOT"

// FingerprintKey is the partialFingerprints entry apimlint writes.
const FingerprintKey = "apimlint/v1"

// The SARIF 2.1.0 objects apimlint writes. No well-kept Go SARIF module is
// among the dependencies, and the subset needed is small; tests validate
// the output against the official schema.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool               sarifTool                        `json:"tool"`
		OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
		// Results is always written, even empty: an upload without it is
		// rejected.
		Results     []sarifResult     `json:"results"`
		ColumnKind  string            `json:"columnKind"`
		Invocations []sarifInvocation `json:"invocations"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool `json:"executionSuccessful"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string             `json:"id"`
		Name                 string             `json:"name,omitempty"`
		ShortDescription     *sarifMessage      `json:"shortDescription,omitempty"`
		FullDescription      *sarifMessage      `json:"fullDescription,omitempty"`
		Help                 *sarifMessage      `json:"help,omitempty"`
		DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifMessage struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             sarifMessage      `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
	}
	sarifLocation struct {
		ID               *int                  `json:"id,omitempty"`
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
		LogicalLocations []sarifLogical        `json:"logicalLocations,omitempty"`
		Message          *sarifMessage         `json:"message,omitempty"`
	}
	sarifLogical struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind,omitempty"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           sarifRegion           `json:"region"`
	}
	sarifArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
	}
)

// SARIF writes the result as a SARIF 2.1.0 log for GitHub code scanning
// and editors.
func SARIF(w io.Writer, r *lint.Result, _ Options) error {
	cwd, err := os.Getwd()
	if err != nil {
		cwd = ""
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(buildSARIF(r, cwd))
}

func buildSARIF(r *lint.Result, cwd string) sarifLog {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "apimlint",
			Version:        toolVersion(),
			InformationURI: "https://github.com/apimlint/apimlint",
			Rules:          []sarifRule{},
		}},
		Results:     []sarifResult{},
		ColumnKind:  "utf16CodeUnits",
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
	}
	if cwd != "" {
		base := filepath.ToSlash(cwd)
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		if !strings.HasPrefix(base, "/") {
			base = "/" + base // Windows drive paths: file:///C:/...
		}
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{
			sarifBaseID: {URI: (&url.URL{Scheme: "file", Path: base}).String()},
		}
	}

	index := map[string]int{}
	addRule := func(rule *lint.Rule) {
		if _, dup := index[rule.ID]; dup {
			return
		}
		index[rule.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(rule))
	}
	for _, rule := range r.Rules {
		addRule(rule)
	}
	fps := lint.Fingerprints(r.Fleet, r.Findings)
	lines := lineStarts{}
	for i, f := range r.Findings {
		if _, ok := index[f.Rule]; !ok {
			// Findings of rules that did not run as such (fleet config
			// problems, internal errors) still need a descriptor, or
			// their ruleIndex would point nowhere.
			addRule(&lint.Rule{ID: f.Rule, Severity: f.Severity, Summary: f.Rule})
		}
		res := sarifResult{
			RuleID:    f.Rule,
			RuleIndex: index[f.Rule],
			Level:     sarifLevel(f.Severity),
			Message:   sarifMessage{Text: f.Message},
			Locations: []sarifLocation{sarifLoc(r, lines, cwd, f.Node, f.File, f.Line, f.Column, f.Key)},
		}
		for j, rel := range f.Related {
			loc := sarifLoc(r, lines, cwd, rel.Node, rel.File, rel.Line, rel.Column, rel.Key)
			id := j
			loc.ID = &id
			msg := rel.Message
			if msg == "" {
				msg = rel.Node
			}
			loc.Message = &sarifMessage{Text: msg}
			res.RelatedLocations = append(res.RelatedLocations, loc)
		}
		// Two findings of one rule on one key (two array elements) get
		// apart fingerprints, or code scanning merges them into one alert.
		res.PartialFingerprints = map[string]string{FingerprintKey: fps[i]}
		run.Results = append(run.Results, res)
	}
	return sarifLog{Schema: SARIFSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}
}

// Fingerprint identifies a finding across commits (lint.Fingerprint).
func Fingerprint(fl *lint.Fleet, f lint.Finding) string { return lint.Fingerprint(fl, f) }

func sarifRuleOf(r *lint.Rule) sarifRule {
	out := sarifRule{
		ID:                   r.ID,
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(r.Severity)},
	}
	if r.Summary != "" {
		out.ShortDescription = &sarifMessage{Text: r.Summary}
	}
	if doc := strings.TrimSpace(r.Doc); doc != "" {
		out.FullDescription = &sarifMessage{Text: doc}
	}
	if r.Doc != "" || r.Fix != "" || r.Example != "" {
		var text, md strings.Builder
		text.WriteString(strings.TrimSpace(r.Doc))
		md.WriteString(strings.TrimSpace(r.Doc))
		if r.Example != "" {
			text.WriteString("\n\nExample finding:\n" + strings.TrimSpace(r.Example))
			md.WriteString("\n\n**Example finding**\n\n```\n" + strings.TrimSpace(r.Example) + "\n```")
		}
		if r.Fix != "" {
			text.WriteString("\n\nHow to fix:\n" + strings.TrimSpace(r.Fix))
			md.WriteString("\n\n**How to fix**\n\n" + strings.TrimSpace(r.Fix))
		}
		out.Help = &sarifMessage{Text: strings.TrimSpace(text.String()), Markdown: strings.TrimSpace(md.String())}
	}
	return out
}

func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.SeverityError:
		return "error"
	case lint.SeverityWarning:
		return "warning"
	}
	return "note"
}

func sarifLoc(r *lint.Result, lines lineStarts, cwd, node, file string, line, col int, key string) sarifLocation {
	line = max(line, 1)
	col = max(col, 1)
	if r.Fleet != nil {
		if n := r.Fleet.Node(node); n != nil && n.File == file {
			col = lines.utf16Column(n, line, col)
		}
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysicalLocation{
		ArtifactLocation: artifactLocation(cwd, file),
		Region:           sarifRegion{StartLine: line, StartColumn: col},
	}}
	if key != "" {
		name := key
		if node != "" {
			name = node + ":" + key
		}
		loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: name, Kind: "member"}}
	}
	return loc
}

// artifactLocation makes file relative to the working directory, with
// forward slashes and percent-encoding: code scanning rejects absolute
// paths and cannot place paths relative to anything else.
func artifactLocation(cwd, file string) sarifArtifactLocation {
	p := file
	if filepath.IsAbs(p) && cwd != "" {
		if rel, err := filepath.Rel(cwd, p); err == nil {
			p = rel
		}
	}
	p = filepath.ToSlash(filepath.Clean(p))
	p = strings.TrimPrefix(p, "./")
	u := (&url.URL{Path: p}).String()
	if filepath.IsAbs(file) && strings.HasPrefix(p, "/") {
		// Outside the working directory on another volume: an absolute
		// file URI is the only correct reference left.
		return sarifArtifactLocation{URI: (&url.URL{Scheme: "file", Path: p}).String()}
	}
	return sarifArtifactLocation{URI: u, URIBaseID: sarifBaseID}
}

// lineStarts caches, per node, the byte offset at which each line starts.
type lineStarts map[*lint.Node][]int

// utf16Column turns a 1-based byte column into the 1-based UTF-16 column
// SARIF counts in by default.
func (ls lineStarts) utf16Column(n *lint.Node, line, col int) int {
	starts, ok := ls[n]
	if !ok {
		starts = []int{0}
		for i, c := range n.Src {
			if c == '\n' {
				starts = append(starts, i+1)
			}
		}
		ls[n] = starts
	}
	if line > len(starts) {
		return col
	}
	start := starts[line-1]
	end := min(start+col-1, len(n.Src))
	if end < start {
		return col
	}
	u := 1
	for b := n.Src[start:end]; len(b) > 0; {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r >= 0x10000 {
			u += 2
		} else {
			u++
		}
	}
	return u
}

func toolVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	return ""
}

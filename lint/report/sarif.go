package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/apimlint/apimlint/lint"
)

func init() { Register("sarif", SARIF) }

// SARIFSchemaURI is the schema SARIF output declares.
const SARIFSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

// sarifBaseID names the directory artifact URIs are relative to: the root
// of the git work tree (or the working directory outside one), which in
// CI is the checkout GitHub resolves them against. Its local location is
// deliberately not written (no originalUriBaseIds): it would leak the
// machine's absolute path into an uploaded file.
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
		Tool              sarifTool               `json:"tool"`
		AutomationDetails *sarifAutomationDetails `json:"automationDetails,omitempty"`
		// Results is always written, even empty: an upload without it is
		// rejected.
		Results     []sarifResult     `json:"results"`
		ColumnKind  string            `json:"columnKind"`
		Invocations []sarifInvocation `json:"invocations"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level   string       `json:"level"`
		Message sarifMessage `json:"message"`
	}
	sarifAutomationDetails struct {
		ID string `json:"id"`
	}
	sarifRuleProperties struct {
		Tags             []string `json:"tags,omitempty"`
		SecuritySeverity string   `json:"security-severity,omitempty"`
		Category         string   `json:"category,omitempty"`
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
		ID                   string               `json:"id"`
		Name                 string               `json:"name,omitempty"`
		ShortDescription     *sarifMessage        `json:"shortDescription,omitempty"`
		FullDescription      *sarifMessage        `json:"fullDescription,omitempty"`
		Help                 *sarifMessage        `json:"help,omitempty"`
		HelpURI              string               `json:"helpUri,omitempty"`
		DefaultConfiguration sarifConfiguration   `json:"defaultConfiguration"`
		Properties           *sarifRuleProperties `json:"properties,omitempty"`
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
		Fixes               []sarifFix        `json:"fixes,omitempty"`
	}
	sarifFix struct {
		Description     sarifMessage          `json:"description"`
		ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
	}
	sarifArtifactChange struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Replacements     []sarifReplacement    `json:"replacements"`
	}
	sarifReplacement struct {
		DeletedRegion   sarifFixRegion `json:"deletedRegion"`
		InsertedContent *sarifContent  `json:"insertedContent,omitempty"`
	}
	sarifFixRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine"`
		EndColumn   int `json:"endColumn"`
	}
	sarifContent struct {
		Text string `json:"text"`
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
func SARIF(w io.Writer, r *lint.Result, opts Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(buildSARIFEstate(r, newPathMapper(opts.PathPrefix), opts))
}

func buildSARIF(r *lint.Result, paths *pathMapper, opts Options) sarifLog {
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
	if id := automationID(r, paths); id != "" {
		run.AutomationDetails = &sarifAutomationDetails{ID: id}
	}

	index := map[string]int{}
	addRule := func(rule *lint.Rule) {
		if _, dup := index[rule.ID]; dup {
			return
		}
		index[rule.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(rule, opts.RuleDocsURL))
	}
	for _, rule := range r.Rules {
		addRule(rule)
	}
	// Fingerprints are of all findings, so a capped run gives each kept
	// finding the fingerprint it has in a full one.
	fps := lint.Fingerprints(r.Fleet, r.Findings)
	kept, dropped := limitIndexes(r.Findings, opts.MaxFindings)
	if dropped > 0 {
		run.Invocations[0].ToolExecutionNotifications = []sarifNotification{{Level: "warning", Message: sarifMessage{
			Text: fmt.Sprintf("%d of %d findings were dropped by --max-findings %d (the most severe are kept)", dropped, len(r.Findings), opts.MaxFindings),
		}}}
	}
	lines := lineStarts{}
	for _, i := range kept {
		f := r.Findings[i]
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
			Locations: []sarifLocation{sarifLoc(r, lines, paths, f.Node, f.File, f.Line, f.Column, f.Key)},
		}
		for j, rel := range f.Related {
			loc := sarifLoc(r, lines, paths, rel.Node, rel.File, rel.Line, rel.Column, rel.Key)
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
		res.Fixes = sarifFixes(r, lines, paths, f.Fixes)
		run.Results = append(run.Results, res)
	}
	return sarifLog{Schema: SARIFSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}
}

// Fingerprint identifies a finding across commits (lint.Fingerprint).
func Fingerprint(fl *lint.Fleet, f lint.Finding) string { return lint.Fingerprint(fl, f) }

func sarifRuleOf(r *lint.Rule, docsTemplate string) sarifRule {
	out := sarifRule{
		ID:                   r.ID,
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(r.Severity)},
	}
	if r.Run != nil || r.Doc != "" {
		// A descriptor made up for a finding of a rule that did not run
		// has no documentation to point at.
		out.HelpURI = lint.ExpandRuleDocURL(docsTemplate, r.ID)
	}
	if labels := r.Labels(); len(labels) > 0 {
		out.Properties = &sarifRuleProperties{Tags: labels, Category: r.Category}
		if r.Security() {
			out.Properties.SecuritySeverity = securitySeverity(r.Severity)
		}
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

func sarifLoc(r *lint.Result, lines lineStarts, paths *pathMapper, node, file string, line, col int, key string) sarifLocation {
	line = max(line, 1)
	col = max(col, 1)
	if r.Fleet != nil {
		if n := r.Fleet.Node(node); n != nil && n.File == file {
			col = lines.utf16Column(n, line, col)
		}
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysicalLocation{
		ArtifactLocation: artifactLocation(paths, file),
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

// artifactLocation makes file relative to the repository root (see
// pathMapper), with forward slashes and percent-encoding: code scanning
// rejects absolute paths.
func artifactLocation(paths *pathMapper, file string) sarifArtifactLocation {
	return sarifArtifactLocation{URI: (&url.URL{Path: paths.rel(file)}).String(), URIBaseID: sarifBaseID}
}

// securitySeverity is the CVSS-like score GitHub sorts security alerts
// by: above 7.0 is high, 4.0 to 6.9 medium, below 4.0 low.
func securitySeverity(s lint.Severity) string {
	switch s {
	case lint.SeverityError:
		return "8.0"
	case lint.SeverityWarning:
		return "5.0"
	}
	return "2.0"
}

// automationID names the run for code scanning: apimlint/FLEET/, where
// FLEET is the fleet's root as it appears in artifact URIs. Two fleets in
// one repository get two categories, so one upload does not close the
// other's alerts.
func automationID(r *lint.Result, paths *pathMapper) string {
	if r.Root == "" {
		return "apimlint/"
	}
	root := paths.rel(r.Root)
	if root == "." || root == "" {
		return "apimlint/"
	}
	return "apimlint/" + strings.Trim(root, "/") + "/"
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

// sarifFixes writes a finding's fixes as SARIF fix objects: one artifact
// change per file, replacements in the file's UTF-16 columns.
func sarifFixes(r *lint.Result, lines lineStarts, paths *pathMapper, fixes []lint.SuggestedFix) []sarifFix {
	var out []sarifFix
	for _, fx := range fixes {
		sf := sarifFix{Description: sarifMessage{Text: fx.Message}}
		byFile := map[string]int{}
		for _, e := range fx.Edits {
			i, ok := byFile[e.File]
			if !ok {
				i = len(sf.ArtifactChanges)
				byFile[e.File] = i
				sf.ArtifactChanges = append(sf.ArtifactChanges, sarifArtifactChange{ArtifactLocation: artifactLocation(paths, e.File)})
			}
			startCol, endCol := e.Column, e.EndColumn
			if r.Fleet != nil {
				for _, n := range r.Fleet.Nodes {
					if n.File == e.File {
						startCol, endCol = lines.utf16Column(n, e.Line, e.Column), lines.utf16Column(n, e.EndLine, e.EndColumn)
						break
					}
				}
			}
			rep := sarifReplacement{DeletedRegion: sarifFixRegion{StartLine: e.Line, StartColumn: startCol, EndLine: e.EndLine, EndColumn: endCol}}
			if e.NewText != "" {
				rep.InsertedContent = &sarifContent{Text: e.NewText}
			}
			sf.ArtifactChanges[i].Replacements = append(sf.ArtifactChanges[i].Replacements, rep)
		}
		out = append(out, sf)
	}
	return out
}

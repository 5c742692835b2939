package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

func init() { Register("junit", JUnit) }

// The JUnit XML that CI test reports (GitLab, Jenkins, Azure, GitHub
// test-reporter actions) read: one suite per rule, one case per rule and
// node.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Skipped  int         `xml:"skipped,attr"`
		Cases    []junitCase `xml:"testcase"`
	}
	// junitCase has no file attribute: Jenkins' junit-10.xsd does not
	// allow one on a test case (the failure text names the files).
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// JUnit writes one test case per rule and node. Errors and warnings fail
// the case (the failure lists every finding of the rule on the node);
// info findings go to the case's system-out and leave it passing.
func JUnit(w io.Writer, r *lint.Result, _ Options) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(buildJUnitEstate(r)); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

type junitKey struct{ rule, node string }

func buildJUnit(r *lint.Result) junitSuites {
	var ruleIDs []string
	ruleSeen := map[string]bool{}
	addRule := func(id string) {
		if !ruleSeen[id] {
			ruleSeen[id] = true
			ruleIDs = append(ruleIDs, id)
		}
	}
	ran := map[string]bool{}
	for _, rule := range r.Rules {
		addRule(rule.ID)
		ran[rule.ID] = true
	}
	// A node is named by its node name, or by its file for findings
	// outside any node (the fleet config).
	var nodes []string
	if r.Fleet != nil {
		for _, n := range r.Fleet.Nodes {
			nodes = append(nodes, n.Name)
		}
	}
	byCase := map[junitKey][]lint.Finding{}
	// extra lists, per rule, the places with findings that are not among
	// the rule's cases by default: the fleet config, and any node of a
	// rule that did not run as such (config problems, internal errors).
	extra := map[string][]string{}
	for _, f := range r.Findings {
		addRule(f.Rule)
		node := f.Node
		if node == "" {
			node = f.File
		}
		if node == f.File || !ran[f.Rule] {
			extra[f.Rule] = append(extra[f.Rule], node)
		}
		k := junitKey{f.Rule, node}
		byCase[k] = append(byCase[k], f)
	}
	sort.Strings(ruleIDs)
	out := junitSuites{Name: "apimlint", Suites: []junitSuite{}}
	for _, id := range ruleIDs {
		suite := junitSuite{Name: id}
		var places []string
		if ran[id] {
			places = append(places, nodes...)
		}
		places = append(places, extra[id]...)
		for _, node := range dedupe(places) {
			fs := byCase[junitKey{id, node}]
			c := junitCase{Name: node, Classname: "apimlint." + id}
			var failing, info []string
			worst := lint.Severity(0)
			for _, f := range fs {
				line := fmt.Sprintf("%s:%d:%d: %s: %s", f.File, f.Line, f.Column, f.Severity, f.Message)
				for _, rel := range f.Related {
					line += fmt.Sprintf("\n    %s:%d:%d: %s", rel.File, rel.Line, rel.Column, rel.Message)
				}
				if f.Severity >= lint.SeverityWarning {
					failing = append(failing, line)
					worst = max(worst, f.Severity)
				} else {
					info = append(info, line)
				}
			}
			if len(failing) > 0 {
				first := fs[0].Message
				for _, f := range fs {
					if f.Severity == worst {
						first = f.Message
						break
					}
				}
				msg := first
				if len(failing) > 1 {
					msg = fmt.Sprintf("%s (and %d more)", first, len(failing)-1)
				}
				c.Failure = &junitFailure{Message: msg, Type: worst.String(), Text: strings.Join(failing, "\n")}
				suite.Failures++
			}
			if len(info) > 0 {
				c.SystemOut = strings.Join(info, "\n")
			}
			suite.Cases = append(suite.Cases, c)
			suite.Tests++
		}
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Suites = append(out.Suites, suite)
	}
	return out
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

// parsed mirrors JUnit XML independently of the writer's own types, so
// the test reads the document the way a CI system would.
type parsedSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitParsesBack(t *testing.T) {
	res := runTestFleet(t, testFleet, testRules)
	res.Findings = append(res.Findings, lint.Finding{Rule: "apimlint-config", Severity: lint.SeverityError,
		File: ".apimlint.toml", Line: 2, Column: 1, Message: `unknown key "x" <&>`})
	var buf bytes.Buffer
	if err := JUnit(&buf, res, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "<?xml") {
		t.Errorf("no XML header:\n%s", buf.String())
	}
	var got parsedSuites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output is not XML: %v\n%s", err, buf.String())
	}
	// 3 rules x 2 nodes, and the config file's case.
	if got.Tests != 7 || got.Failures != 3 {
		t.Errorf("tests=%d failures=%d, want 7 and 3", got.Tests, got.Failures)
	}
	cases := map[string]string{} // suite/case -> failure type, "pass", or "out"
	for _, s := range got.Suites {
		n := 0
		for _, c := range s.Cases {
			state := "pass"
			if c.Failure != nil {
				state = c.Failure.Type
				n++
				if c.Failure.Message == "" || c.Failure.Text == "" {
					t.Errorf("%s/%s: failure without message or text", s.Name, c.Name)
				}
			} else if c.SystemOut != "" {
				state = "out"
			}
			if c.Classname != "apimlint."+s.Name {
				t.Errorf("%s/%s: classname %q", s.Name, c.Name, c.Classname)
			}
			cases[s.Name+"/"+c.Name] = state
		}
		if n != s.Failures || len(s.Cases) != s.Tests {
			t.Errorf("suite %s counts tests=%d failures=%d, cases say %d and %d", s.Name, s.Tests, s.Failures, len(s.Cases), n)
		}
	}
	want := map[string]string{
		"same-id/cp-1": "error", "same-id/gw-1": "error",
		"odd-key/cp-1": "pass", "odd-key/gw-1": "out",
		"silent/cp-1": "pass", "silent/gw-1": "pass",
		"apimlint-config/.apimlint.toml": "error",
	}
	for k, v := range want {
		if cases[k] != v {
			t.Errorf("case %s = %q, want %q", k, cases[k], v)
		}
	}
	if len(cases) != len(want) {
		t.Errorf("cases = %v", cases)
	}
	for _, s := range got.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil && s.Name == "apimlint-config" && !strings.Contains(c.Failure.Message, `"x" <&>`) {
				t.Errorf("message lost its characters: %q", c.Failure.Message)
			}
		}
	}
}

func TestJUnitEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := JUnit(&buf, runTestFleet(t, testFleet, testRules[2:]), Options{}); err != nil {
		t.Fatal(err)
	}
	var got parsedSuites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Tests != 2 || got.Failures != 0 {
		t.Errorf("tests=%d failures=%d, want 2 passing cases", got.Tests, got.Failures)
	}
}

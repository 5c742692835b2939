package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

const xsdDir = "../../testdata/xsd"

// xmllint validates doc against an XSD of testdata/xsd with xmllint, or
// skips (saying so) when xmllint is not installed.
func xmllint(t *testing.T, xsd string, doc []byte) error {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skipf("xmllint not installed (apt-get install libxml2-utils): %s not validated against %s", t.Name(), xsd)
	}
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--schema", filepath.Join(xsdDir, xsd), f).CombinedOutput()
	if err != nil {
		return &xmlError{string(out)}
	}
	return nil
}

type xmlError struct{ out string }

func (e *xmlError) Error() string { return e.out }

// xmlResults are the runs every XML format is validated on: the seed
// fleet with every rule, the UTF-8 test fleet, a clean run, and findings
// outside any node.
func xmlResults(t *testing.T) map[string]*lint.Result {
	odd := runTestFleet(t, testFleet, testRules)
	odd.Findings = append(odd.Findings, lint.Finding{Rule: "apimlint-config", Severity: lint.SeverityError, File: ".apimlint.toml",
		Line: 2, Column: 1, Message: "bad <&> \"quote\" \x1b[31m", Related: []lint.Related{}})
	return map[string]*lint.Result{
		"seed":  seedResult(t),
		"utf8":  odd,
		"clean": runTestFleet(t, testFleet, testRules[2:]),
	}
}

func TestXMLFormatsValidate(t *testing.T) {
	for _, c := range []struct {
		format string
		xsd    string
		write  Writer
	}{
		{"junit", "junit-10.xsd", JUnit},
		{"checkstyle", "checkstyle.xsd", Checkstyle},
	} {
		for name, res := range xmlResults(t) {
			t.Run(c.format+"/"+name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := c.write(&buf, res, Options{}); err != nil {
					t.Fatal(err)
				}
				if err := xmllint(t, c.xsd, buf.Bytes()); err != nil {
					t.Errorf("%s output does not validate against %s:\n%v", c.format, c.xsd, err)
				}
			})
		}
	}
}

// TestXSDsReject keeps the validation honest: what the schemas forbid
// (junit's old testcase file attribute, a checkstyle error without line)
// must fail.
func TestXSDsReject(t *testing.T) {
	for xsd, doc := range map[string]string{
		"junit-10.xsd":   `<testsuites><testsuite name="r" tests="1" failures="0" errors="0"><testcase name="n" classname="c" file="x"/></testsuite></testsuites>`,
		"checkstyle.xsd": `<checkstyle version="4.3"><file name="a"><error severity="error" message="m"/></file></checkstyle>`,
	} {
		if xmllint(t, xsd, []byte(doc)) == nil {
			t.Errorf("%s accepted %s", xsd, doc)
		}
	}
}

func TestCheckstyle(t *testing.T) {
	res := runTestFleet(t, testFleet, testRules)
	var buf bytes.Buffer
	if err := writeCheckstyle(&buf, res, Options{}, mapperAt("/nowhere", "")); err != nil {
		t.Fatal(err)
	}
	var doc checkstyleReport
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range doc.Files {
		for _, e := range f.Errors {
			n++
			if e.Line < 1 || e.Column < 1 || !strings.HasPrefix(e.Source, "apimlint.") {
				t.Errorf("%s: %+v", f.Name, e)
			}
		}
	}
	if n != len(res.Findings) || len(doc.Files) != 2 || doc.Files[0].Name != "cp-1/deployment.toml" {
		t.Errorf("%d errors in %d files for %d findings:\n%s", n, len(doc.Files), len(res.Findings), buf.String())
	}
	if !strings.Contains(buf.String(), `severity="info"`) || !strings.Contains(buf.String(), "cp-1 has it too") {
		t.Errorf("info severity or related place missing:\n%s", buf.String())
	}
}

func TestGitLabCodeQuality(t *testing.T) {
	res := seedResult(t)
	var buf bytes.Buffer
	if err := GitLab(&buf, res, Options{MaxFindings: 50}); err != nil {
		t.Fatal(err)
	}
	var issues []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &issues); err != nil {
		t.Fatal(err)
	}
	if len(issues) != 50 {
		t.Fatalf("%d issues, want 50 (--max-findings)", len(issues))
	}
	fps := map[string]bool{}
	sev := map[string]int{}
	for _, is := range issues {
		for _, k := range []string{"description", "check_name", "fingerprint", "severity", "location"} {
			if _, ok := is[k]; !ok {
				t.Errorf("issue lacks %s: %v", k, is)
			}
		}
		fp := is["fingerprint"].(string)
		if fps[fp] {
			t.Errorf("fingerprint %s repeated", fp)
		}
		fps[fp] = true
		loc := is["location"].(map[string]any)
		if p := loc["path"].(string); !strings.HasPrefix(p, seedPrefix(t)) {
			t.Errorf("path %s is not relative to the repository root", p)
		}
		if loc["lines"].(map[string]any)["begin"].(float64) < 1 {
			t.Errorf("begin line < 1: %v", is)
		}
		sev[is["severity"].(string)]++
		if is["check_name"] == "default-admin-password" && is["categories"].([]any)[0] != "Security" {
			t.Errorf("a hardening finding is not in category Security")
		}
	}
	if sev["critical"] != 44 || sev["major"] != 6 || sev["info"] != 0 {
		t.Errorf("severities %v: the most severe 50 are 44 errors and 6 warnings", sev)
	}
	buf.Reset()
	if err := GitLab(&buf, runTestFleet(t, testFleet, testRules[2:]), Options{}); err != nil || strings.TrimSpace(buf.String()) != "[]" {
		t.Errorf("a clean run is %q (%v), want []", buf.String(), err)
	}
}

package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cuejson "cuelang.org/go/encoding/json"
	"cuelang.org/go/encoding/jsonschema"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// testFleet is two nodes; the gateway's hostname line holds a non-ASCII
// character before the value so that UTF-16 columns differ from bytes.
var testFleet = fstest.MapFS{
	"cp-1/deployment.toml": {Data: []byte("[server]\nhostname = \"cp-1\"\n\n[apim.gateway_notification]\ngateway_id = \"gw\"\n")},
	"gw-1/deployment.toml": {Data: []byte("[server]\n\"hóst\" = \"x\"\nhostname = \"gw-1\"\n\n[apim.gateway_notification]\ngateway_id = \"gw\"\n")},
}

// testRules report on every gateway_id (with the other node as related),
// and on the UTF-8 key of gw-1.
var testRules = []*lint.Rule{
	{
		ID: "same-id", Severity: lint.SeverityError, Summary: "ids differ",
		Doc: "Two nodes share an ID.", Example: "gw-1/deployment.toml:6:14: error: same (same-id)", Fix: "Rename one.",
		Run: func(p *lint.Pass) {
			for _, n := range p.Fleet.Nodes {
				k := n.Get("apim.gateway_notification.gateway_id")
				if k == nil {
					continue
				}
				f := lint.AtKey(n, k, "gateway_id %s is shared", k.Show())
				for _, o := range p.Fleet.Nodes {
					if o != n {
						f.Related = append(f.Related, lint.RelatedKey(o, o.Get("apim.gateway_notification.gateway_id"), "%s has it too", o.Name))
					}
				}
				p.Report(f)
			}
		},
	},
	{
		ID: "odd-key", Severity: lint.SeverityInfo, Summary: "odd keys",
		Run: func(p *lint.Pass) {
			for _, n := range p.Fleet.Nodes {
				if k := n.Get(`server."hóst"`); k != nil {
					p.Report(lint.AtKey(n, k, "odd key"))
				}
			}
		},
	},
	{ID: "silent", Severity: lint.SeverityWarning, Summary: "never fires", Run: func(*lint.Pass) {}},
}

func runTestFleet(t *testing.T, fsys fstest.MapFS, rules []*lint.Rule) *lint.Result {
	t.Helper()
	fl, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), fl, rules, lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var (
	schemaOnce sync.Once
	schemaCtx  *cue.Context
	schemaVal  cue.Value
	schemaErr  error
)

// sarifSchema compiles the official SARIF 2.1.0 JSON schema (shipped in
// testdata, errata01 as published by OASIS) with CUE's JSON Schema decoder.
func sarifSchema(t *testing.T) (*cue.Context, cue.Value) {
	t.Helper()
	schemaOnce.Do(func() {
		data, err := os.ReadFile(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
		if err != nil {
			schemaErr = err
			return
		}
		schemaCtx = cuecontext.New()
		expr, err := cuejson.Extract("sarif-schema-2.1.0.json", data)
		if err != nil {
			schemaErr = err
			return
		}
		raw := schemaCtx.BuildExpr(expr)
		file, err := jsonschema.Extract(raw, &jsonschema.Config{DefaultVersion: jsonschema.VersionDraft4, Strict: false})
		if err != nil {
			schemaErr = err
			return
		}
		schemaVal = schemaCtx.BuildFile(file)
		schemaErr = schemaVal.Err()
	})
	if schemaErr != nil {
		t.Fatalf("compile SARIF schema: %v", schemaErr)
	}
	return schemaCtx, schemaVal
}

func validateSARIF(t *testing.T, doc []byte) error {
	t.Helper()
	ctx, schema := sarifSchema(t)
	expr, err := cuejson.Extract("out.sarif", doc)
	if err != nil {
		return err
	}
	v := schema.Unify(ctx.BuildExpr(expr))
	return v.Validate(cue.Concrete(true))
}

func TestSARIFValidAgainstSchema(t *testing.T) {
	for name, rules := range map[string][]*lint.Rule{"findings": testRules, "none": testRules[2:]} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := SARIF(&buf, runTestFleet(t, testFleet, rules), Options{}); err != nil {
				t.Fatal(err)
			}
			if err := validateSARIF(t, buf.Bytes()); err != nil {
				t.Fatalf("output does not validate against the SARIF 2.1.0 schema: %v\n%s", err, buf.String())
			}
		})
	}
}

// TestSARIFSchemaRejects keeps the validation honest: documents that break
// the schema must fail it.
func TestSARIFSchemaRejects(t *testing.T) {
	var buf bytes.Buffer
	if err := SARIF(&buf, runTestFleet(t, testFleet, testRules), Options{}); err != nil {
		t.Fatal(err)
	}
	breakers := map[string]func(m map[string]any){
		"wrong version":   func(m map[string]any) { m["version"] = "2.0.0" },
		"unknown top key": func(m map[string]any) { m["extra"] = true },
		"startLine 0": func(m map[string]any) {
			loc := firstResult(m)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"].(map[string]any)["startLine"] = 0
		},
		"bad level": func(m map[string]any) { firstResult(m)["level"] = "fatal" },
	}
	for name, breakIt := range breakers {
		var m map[string]any
		if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		breakIt(m)
		bad, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if validateSARIF(t, bad) == nil {
			t.Errorf("%s: the schema accepted a broken document", name)
		}
	}
}

func firstResult(m map[string]any) map[string]any {
	return m["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
}

// TestSARIFUploadRules checks what code scanning needs beyond the schema.
func TestSARIFUploadRules(t *testing.T) {
	res := runTestFleet(t, testFleet, testRules)
	// A finding of a rule that did not run (a fleet config problem) still
	// gets its descriptor.
	res.Findings = append(res.Findings, lint.Finding{Rule: "apimlint-config", Severity: lint.SeverityError, File: ".apimlint.toml", Line: 2, Column: 1, Message: "unknown key"})
	log := buildSARIF(res, mapperAt("/repo", ""), Options{})
	if len(log.Runs) != 1 {
		t.Fatalf("runs = %d", len(log.Runs))
	}
	run := log.Runs[0]
	ids := map[string]bool{}
	for _, r := range run.Tool.Driver.Rules {
		if ids[r.ID] {
			t.Errorf("rule %s listed twice", r.ID)
		}
		ids[r.ID] = true
	}
	for _, want := range []string{"same-id", "odd-key", "silent", "apimlint-config"} {
		if !ids[want] {
			t.Errorf("rule %s missing from driver.rules", want)
		}
	}
	if h := run.Tool.Driver.Rules[0].Help; h == nil || !strings.Contains(h.Text, "Rename one.") || !strings.Contains(h.Markdown, "```") {
		t.Errorf("rule help lacks the fix or the example: %+v", h)
	}
	if len(run.Results) != 4 {
		t.Fatalf("results = %d, want 4", len(run.Results))
	}
	fps := map[string]bool{}
	for _, r := range run.Results {
		if r.RuleIndex < 0 || r.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s: ruleIndex %d does not point at its rule", r.RuleID, r.RuleIndex)
		}
		loc := r.Locations[0].PhysicalLocation
		if loc.Region.StartLine < 1 || loc.Region.StartColumn < 1 {
			t.Errorf("result %s: region %+v is not 1-based", r.RuleID, loc.Region)
		}
		if strings.HasPrefix(loc.ArtifactLocation.URI, "/") || strings.Contains(loc.ArtifactLocation.URI, "://") || loc.ArtifactLocation.URIBaseID != sarifBaseID {
			t.Errorf("result %s: artifact %+v is not relative to %s", r.RuleID, loc.ArtifactLocation, sarifBaseID)
		}
		fp := r.PartialFingerprints[FingerprintKey]
		if fp == "" || fps[fp] {
			t.Errorf("result %s: fingerprint %q empty or not unique", r.RuleID, fp)
		}
		fps[fp] = true
		if r.RuleID == "same-id" && (len(r.RelatedLocations) != 1 || r.RelatedLocations[0].Message == nil) {
			t.Errorf("same-id result lacks its related location: %+v", r.RelatedLocations)
		}
		if r.RuleID == "odd-key" {
			// "hóst" starts at byte column 1 of line 2; the value's byte
			// column is 11 and its UTF-16 column 10.
			if got := loc.Region.StartColumn; got != 10 {
				t.Errorf("odd-key column = %d, want the UTF-16 column 10", got)
			}
		}
	}
	if doc, _ := json.Marshal(log); bytes.Contains(doc, []byte("originalUriBaseIds")) || bytes.Contains(doc, []byte("file://")) {
		t.Errorf("the log names a local path: %s", doc)
	}
}

// TestSARIFFingerprintIgnoresLines moves every finding down by inserting
// lines above it: fingerprints must not change.
func TestSARIFFingerprintIgnoresLines(t *testing.T) {
	before := fingerprints(t, testFleet)
	moved := fstest.MapFS{}
	for name, f := range testFleet {
		moved[name] = &fstest.MapFile{Data: append([]byte("# a comment\n\n# another\n"), f.Data...)}
	}
	after := fingerprints(t, moved)
	if len(before) == 0 || strings.Join(before, ",") != strings.Join(after, ",") {
		t.Errorf("fingerprints changed when lines moved:\n before %v\n after  %v", before, after)
	}
	changed := fstest.MapFS{"cp-1/deployment.toml": testFleet["cp-1/deployment.toml"],
		"gw-1/deployment.toml": {Data: bytes.Replace(testFleet["gw-1/deployment.toml"].Data, []byte(`gateway_id = "gw"`), []byte(`gateway_id = ["gw"]`), 1)}}
	if strings.Join(fingerprints(t, changed), ",") == strings.Join(before, ",") {
		t.Error("fingerprints did not change when the value's shape did")
	}
}

func fingerprints(t *testing.T, fsys fstest.MapFS) []string {
	t.Helper()
	var out []string
	for _, r := range buildSARIF(runTestFleet(t, fsys, testRules[:1]), mapperAt("/repo", ""), Options{}).Runs[0].Results {
		out = append(out, r.PartialFingerprints[FingerprintKey])
	}
	return out
}

func TestSARIFArtifactURIs(t *testing.T) {
	for _, c := range []struct{ cwd, file, want string }{
		{"/repo", "/repo/fleet/gw 1/deployment.toml", "fleet/gw%201/deployment.toml"},
		{"/repo", "fleet/gw-1/deployment.toml", "fleet/gw-1/deployment.toml"},
		{"/repo", "./fleet/gw-1/deployment.toml", "fleet/gw-1/deployment.toml"},
		{"/repo", "/repo/a:b/deployment.toml", "./a:b/deployment.toml"},
	} {
		if got := artifactLocation(mapperAt(c.cwd, ""), c.file); got.URI != c.want || got.URIBaseID != sarifBaseID {
			t.Errorf("artifactLocation(%q, %q) = %+v, want %q relative to %s", c.cwd, c.file, got, c.want, sarifBaseID)
		}
	}
}

// TestSARIFSeedFleet validates a real run, every rule over the seed
// fleet, against the schema, with the processors the CLI uses.
func TestSARIFSeedFleet(t *testing.T) {
	fl, err := lint.Load([]string{"../../testdata/seed-ha"}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	all := rules.All()
	res, err := lint.Run(context.Background(), fl, all, lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) == 0 {
		t.Fatal("the seed fleet has no findings")
	}
	var buf bytes.Buffer
	if err := SARIF(&buf, res, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := validateSARIF(t, buf.Bytes()); err != nil {
		t.Fatalf("seed fleet SARIF does not validate: %v", err)
	}
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	fps := map[string]bool{}
	for _, r := range log.Runs[0].Results {
		fp := r.PartialFingerprints[FingerprintKey]
		if fps[fp] {
			t.Errorf("fingerprint %s repeated", fp)
		}
		fps[fp] = true
	}
}

package lint_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// [fleet] beside [[fleet]] is invalid TOML; reading the entries apart
// must not hide it: one apimlint-config error where the second is written.
func TestParseConfigFleetTableBesideEntries(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		want      string // "" for no finding
	}{
		{"table then entries", "[fleet]\nversion = \"4.6.0\"\n\n[[fleet]]\npath = \"a\"\n", 4, "[[fleet]] cannot be written beside [fleet] (line 1)"},
		{"entries then table", "[[fleet]]\npath = \"a\"\n\n[rules]\ndisable = []\n\n[fleet]\ncomplete = true\n", 7, "[fleet] cannot be written beside [[fleet]] (line 1)"},
		{"sub-table of fleet", "[fleet.extra]\nx = 1\n[[fleet]]\npath = \"a\"\n", 3, "[[fleet]] cannot be written beside [fleet] (line 1)"},
		{"dotted key", "fleet.version = \"4.6.0\"\n\n[[fleet]]\npath = \"a\"\n", 3, "[[fleet]] cannot be written beside [fleet] (line 1)"},
		{"entries alone", "[[fleet]]\npath = \"a\"\n\n[[fleet]]\npath = \"b\"\n", 0, ""},
		{"table alone", "[fleet]\nversion = \"4.6.0\"\n", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diag := lint.ParseConfig("c.toml", []byte(tc.src))
			var got []lint.Finding
			for _, d := range diag {
				if strings.Contains(d.Message, "cannot be written beside") {
					got = append(got, d)
				}
			}
			if tc.want == "" {
				if len(diag) != 0 {
					t.Fatalf("findings on a valid config: %+v", diag)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want one finding, got %+v", diag)
			}
			d := got[0]
			if d.Rule != lint.RuleConfigID || d.Severity != lint.SeverityError || d.File != "c.toml" || d.Line != tc.line || !strings.Contains(d.Message, tc.want) {
				t.Errorf("got %s:%d %s %s %q; want c.toml:%d error %q", d.File, d.Line, d.Rule, d.Severity, d.Message, tc.line, tc.want)
			}
		})
	}
}

// A sub-table written under a [[fleet]] entry belongs to the entry (valid
// TOML): it is an unknown key there, not [fleet] beside [[fleet]].
func TestParseConfigFleetEntrySubTable(t *testing.T) {
	_, diag := lint.ParseConfig("c.toml", []byte("[[fleet]]\npath = \"a\"\n[fleet.rules]\ndisable = [\"x\"]\n"))
	if len(diag) != 1 || strings.Contains(diag[0].Message, "beside") || !strings.Contains(diag[0].Message, "rules") {
		t.Errorf("diag %+v", diag)
	}
}

// [[fleet]] entries carry the [fleet] settings (version, complete) of
// the fleets they list, and only of those.
func TestEstateFleetEntrySettings(t *testing.T) {
	root := t.TempDir()
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "envs", "prod"), nil)
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "envs", "qa"), nil)
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "regions", "eu"), nil)
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "regions", "us"), nil)
	cfg := "[[fleet]]\npath = \"envs/prod\"\nname = \"prod\"\nversion = \"4.6.0\"\ncomplete = true\n\n" +
		"[[fleet]]\npath = \"envs/qa\"\nname = \"qa\"\n\n" +
		"[[fleet]]\npath = \"regions/*\"\nname = \"region\"\nversion = \"4.5.0\"\n"
	if err := os.WriteFile(filepath.Join(root, lint.ConfigFileName), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := lint.DiscoverEstate(root, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %+v", e.Diagnostics)
	}
	for name, want := range map[string]struct {
		version  string
		complete bool
	}{"prod": {"4.6.0", true}, "qa": {"", false}, "region/eu": {"4.5.0", false}, "region/us": {"4.5.0", false}} {
		p := e.Fleet(name)
		if p == nil {
			t.Fatalf("no fleet %s: %v", name, planNames(e))
		}
		f, err := e.LoadFleet(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Diagnostics) != 0 {
			t.Errorf("%s: diagnostics %+v", name, f.Diagnostics)
		}
		if f.Config.Fleet.Version != want.version || f.Config.Fleet.Complete != want.complete {
			t.Errorf("%s: [fleet] %+v, want version %q complete %v", name, f.Config.Fleet, want.version, want.complete)
		}
		v := fleetversion.For(f, f.Nodes[0])
		if want.version != "" && (v.Source != fleetversion.SourceFleet || v.String() != want.version) {
			t.Errorf("%s: version %s from %s, want %s declared", name, v.String(), v.Source, want.version)
		}
		if want.version != "" && !strings.Contains(v.Why, "[[fleet]] path = ") {
			t.Errorf("%s: version explained as %q, which does not name the [[fleet]] entry", name, v.Why)
		}
		if want.version == "" && v.Source == fleetversion.SourceFleet {
			t.Errorf("%s: version %s declared by another fleet's entry", name, v.String())
		}
	}
}

// A config saved with a byte-order mark (Windows editors) reads as one
// without, as node files do, and its problems keep their positions.
func TestParseConfigByteOrderMark(t *testing.T) {
	cfg, problems := lint.ParseConfig(".apimlint.toml", []byte("\xef\xbb\xbf[fleet]\ncomplete = true\n"))
	if len(problems) != 0 || !cfg.Fleet.Complete {
		t.Errorf("BOM config: complete %v, problems %+v", cfg.Fleet.Complete, problems)
	}
	_, problems = lint.ParseConfig(".apimlint.toml", []byte("\xef\xbb\xbf[fleet]\ncomplet = true\n"))
	if len(problems) != 1 || problems[0].Line != 2 || problems[0].Column != 1 {
		t.Errorf("BOM config with a typo: %+v", problems)
	}
}

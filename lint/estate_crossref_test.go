package lint_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/apimlint/apimlint/lint"
)

// The co-hosted fixtures: env/live/vm-a/{cp,tm} and vm-b/{cp,tm} (an HA
// control plane and traffic manager pair, the traffic manager at offset
// 1 on the same VM), gw-1/ and gw-2/ on VMs of their own. Written with
// host names and with IP addresses.
var coHostedStyles = []struct {
	name, dir string
	other     func(string) string // the same estate's copy with other addresses
}{
	{"host names", "../testdata/estate-cohosted-names", func(s string) string { return strings.ReplaceAll(s, ".live.example.com", ".stg.example.com") }},
	{"IP addresses", "../testdata/estate-cohosted-ips", func(s string) string { return strings.ReplaceAll(s, "10.20.0.", "10.30.0.") }},
}

func fleetRootsRel(t *testing.T, e *lint.Estate) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, p := range e.Fleets {
		rel, err := filepath.Rel(e.Root, p.Root)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.ToSlash(rel)] += len(p.Files)
	}
	return out
}

// Folders per VM of one environment are one fleet: their nodes name
// hosts that only a sibling folder answers to.
func TestEstateCoHostedFoldersAreOneFleet(t *testing.T) {
	for _, st := range coHostedStyles {
		t.Run(st.name, func(t *testing.T) {
			live := filepath.Join(st.dir, "env", "live")
			for _, root := range []string{st.dir, live} {
				e, err := lint.DiscoverEstate(root, lint.LoadOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if len(e.Fleets) != 1 || e.Split || len(e.Fleets[0].Files) != 6 {
					t.Fatalf("%s: want one fleet of 6 nodes, got %v", root, fleetRootsRel(t, e))
				}
				why := e.Fleets[0].Why
				for _, want := range []string{lint.WhyDiscovered + ": ", "vm-a", "vm-b", "are one deployment", "vm-a/cp, ", "vm-a/tm answer to it"} {
					if !strings.Contains(why, want) {
						t.Errorf("%s: why %q lacks %q", root, why, want)
					}
				}
			}
			// Linted as an estate, env/live gives what Load gives: no
			// finding about a peer "in no node of this fleet".
			_, res := lintEstate(t, live)
			if diff := cmp.Diff(findingKeys(t, lintAlone(t, live)), findingKeys(t, res.Findings)); diff != "" {
				t.Errorf("(-Load +estate):\n%s", diff)
			}
			for _, f := range res.Findings {
				if f.Rule == "event-duplicate-url" || f.Rule == "tm-url-groups" || f.Rule == "event-hub-publish-groups" {
					t.Errorf("peer of another VM folder unknown: %s:%d %s", f.File, f.Line, f.Message)
				}
			}
		})
	}
}

// Copies of the co-hosted environment still split by folder, with the
// same addresses in both (each folder answers its own URLs) and with
// other addresses.
func TestEstateCoHostedCopiesSplit(t *testing.T) {
	for _, st := range coHostedStyles {
		for _, copyStyle := range []struct {
			name string
			edit func(string) string
		}{{"same addresses", nil}, {"other addresses", st.other}} {
			t.Run(st.name+"/"+copyStyle.name, func(t *testing.T) {
				root := t.TempDir()
				live := filepath.Join(st.dir, "env", "live")
				copyTree(t, live, filepath.Join(root, "env", "live"), nil)
				copyTree(t, live, filepath.Join(root, "env", "staging"), copyStyle.edit)
				e, err := lint.DiscoverEstate(root, lint.LoadOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(map[string]int{"env/live": 6, "env/staging": 6}, fleetRootsRel(t, e)); diff != "" {
					t.Errorf("fleets (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// Only the folders that reference each other are joined: a sibling that
// names none of them stays a fleet of its own.
func TestEstateCoHostedPartialJoin(t *testing.T) {
	root := t.TempDir()
	live := filepath.Join(coHostedStyles[0].dir, "env", "live")
	copyTree(t, live, root, nil)
	aio := filepath.Join(root, "sandbox", "aio")
	if err := os.MkdirAll(aio, 0o755); err != nil {
		t.Fatal(err)
	}
	toml := "[server]\nhostname = \"sandbox.example.com\"\nserver_role = \"default\"\n"
	if err := os.WriteFile(filepath.Join(aio, "deployment.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := lint.DiscoverEstate(root, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{".": 6, "sandbox/aio": 1}, fleetRootsRel(t, e)); diff != "" {
		t.Errorf("fleets (-want +got):\n%s", diff)
	}
	base := filepath.Base(root)
	if e.Fleet(base+"#1") == nil {
		t.Errorf("joined folders beside a fleet of their root: want fleet %s#1, have %v", base, planNames(e))
	}
}

// A reference into a folder that holds several fleets names one of them,
// not the folder: a sandbox that names prod's control plane does not join
// envs/ (staging and prod) into one fleet.
func TestEstateCrossReferenceIntoSplitFolder(t *testing.T) {
	root := t.TempDir()
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "envs", "staging"), func(s string) string {
		return strings.ReplaceAll(strings.ReplaceAll(s, "apim-", "stg-"), "db.apim.internal", "db.stg.internal")
	})
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "envs", "prod"), nil)
	aio := filepath.Join(root, "sandbox", "aio")
	if err := os.MkdirAll(aio, 0o755); err != nil {
		t.Fatal(err)
	}
	toml := "[server]\nhostname = \"sandbox.example.com\"\nserver_role = \"default\"\n\n[apim.key_manager]\nservice_url = \"https://apim-cp-1:9443/services/\"\n"
	if err := os.WriteFile(filepath.Join(aio, "deployment.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := lint.DiscoverEstate(root, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"envs/prod": 6, "envs/staging": 6, "sandbox/aio": 1}, fleetRootsRel(t, e)); diff != "" {
		t.Errorf("fleets (-want +got):\n%s", diff)
	}
}

// A copied environment whose gateway names the other environment's
// control plane (a copy-paste mistake) stays split: a folder that is a
// whole deployment joins only by references both ways.
func TestEstateStrayReferenceBetweenEnvironments(t *testing.T) {
	root := t.TempDir()
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "prod"), nil)
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "staging"), func(s string) string {
		return strings.NewReplacer("apim-", "stg-", "db.apim.internal", "db.stg.internal", "10.0.1.", "10.9.1.").Replace(s)
	})
	for _, n := range []string{"cp-1", "cp-2", "gw-1", "gw-2", "tm-1", "tm-2"} {
		if err := os.Rename(filepath.Join(root, "staging", "apim-"+n), filepath.Join(root, "staging", "stg-"+n)); err != nil {
			t.Fatal(err)
		}
	}
	gw := filepath.Join(root, "staging", "stg-gw-1", "deployment.toml")
	data, err := os.ReadFile(gw)
	if err != nil {
		t.Fatal(err)
	}
	// prod's apim-cp-1 has node_ip 10.0.1.10.
	stray := strings.Replace(string(data), "ssl://stg-cp-1:8672", "ssl://10.0.1.10:8672", 1)
	if stray == string(data) {
		t.Fatal("the fixture no longer names stg-cp-1:8672")
	}
	if err := os.WriteFile(gw, []byte(stray), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := lint.DiscoverEstate(root, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"prod": 6, "staging": 6}, fleetRootsRel(t, e)); diff != "" {
		t.Errorf("fleets (-want +got):\n%s", diff)
	}
}

// A whole stack per VM (control plane, traffic manager and gateway on
// each of vm-a and vm-b) is one fleet: the VMs name each other both ways.
func TestEstateWholeStackPerVM(t *testing.T) {
	root := t.TempDir()
	live := filepath.Join(coHostedStyles[0].dir, "env", "live")
	copyTree(t, filepath.Join(live, "vm-a"), filepath.Join(root, "vm-a"), nil)
	copyTree(t, filepath.Join(live, "vm-b"), filepath.Join(root, "vm-b"), nil)
	copyTree(t, filepath.Join(live, "gw-1"), filepath.Join(root, "vm-a", "gw"), nil)
	copyTree(t, filepath.Join(live, "gw-2"), filepath.Join(root, "vm-b", "gw"), nil)
	e, err := lint.DiscoverEstate(root, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{".": 6}, fleetRootsRel(t, e)); diff != "" {
		t.Errorf("fleets (-want +got):\n%s", diff)
	}
}

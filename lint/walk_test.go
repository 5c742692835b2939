//go:build unix

package lint

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func mustWrite(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustLink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// TestSymlinkAliasLoadsOnce: a symlink alias of a node directory is the
// same node file, loaded once under its real name (issue 13, item 12): a
// second copy made a false gateway-id-unique.
func TestSymlinkAliasLoadsOnce(t *testing.T) {
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "gw-1", NodeFileName), "[server]\nserver_role = \"gateway-worker\"\n")
	mustLink(t, "gw-1", filepath.Join(root, "a-alias"))     // sorts before its target
	mustLink(t, "../gw-1", filepath.Join(root, "zz", "gw")) // a second alias, deeper
	mustLink(t, "..", filepath.Join(root, "gw-1", "up"))    // a loop
	// A linked directory that nothing else reaches is walked.
	other := t.TempDir()
	mustWrite(t, filepath.Join(other, "tm-1", NodeFileName), "[server]\n")
	mustLink(t, filepath.Join(other, "tm-1"), filepath.Join(root, "tm-1"))
	// A Kubernetes ConfigMap: deployment.toml -> ..data/deployment.toml.
	mustWrite(t, filepath.Join(root, "cp-1", "..2026_11_27", NodeFileName), "[server]\n")
	mustLink(t, "..2026_11_27", filepath.Join(root, "cp-1", "..data"))
	mustLink(t, "..data/"+NodeFileName, filepath.Join(root, "cp-1", NodeFileName))

	f, err := Load([]string{root}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range f.Nodes {
		names = append(names, n.Name)
	}
	slices.Sort(names)
	if want := []string{"cp-1", "gw-1", "tm-1"}; !slices.Equal(names, want) {
		t.Fatalf("nodes %v, want %v", names, want)
	}
}

// The walk notes the directories holding a fleet config: a regular file,
// or a link to one; a directory of that name, or a dangling link, is no
// config.
func TestWalkNotesFleetConfigs(t *testing.T) {
	root := t.TempDir()
	node := "[server]\nhostname = \"n\"\n"
	mustWrite(t, filepath.Join(root, "plain", "n", "deployment.toml"), node)
	mustWrite(t, filepath.Join(root, "plain", ConfigFileName), "")
	mustWrite(t, filepath.Join(root, "linked", "n", "deployment.toml"), node)
	mustWrite(t, filepath.Join(root, "shared.toml"), "")
	if err := os.Symlink(filepath.Join(root, "shared.toml"), filepath.Join(root, "linked", ConfigFileName)); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(root, "dir", "n", "deployment.toml"), node)
	if err := os.MkdirAll(filepath.Join(root, "dir", ConfigFileName), 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(root, "dangling", "n", "deployment.toml"), node)
	if err := os.Symlink(filepath.Join(root, "missing.toml"), filepath.Join(root, "dangling", ConfigFileName)); err != nil {
		t.Fatal(err)
	}
	tree, err := WalkFleet(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.configDirs) != 2 || !tree.configDirs["plain"] || !tree.configDirs["linked"] {
		t.Errorf("config directories %v, want plain and linked", tree.configDirs)
	}
}

package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// apimlint nodes says why folders of the same roles are one fleet: the
// URLs that name a host only a sibling folder answers to.
func TestNodesExplainsJoinedFolders(t *testing.T) {
	for _, dir := range []string{"estate-cohosted-names", "estate-cohosted-ips"} {
		root := filepath.Join(repoTestdata, dir)
		out, stderr, code := apimlint(t, "nodes", root)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", dir, code, stderr)
		}
		if strings.Contains(out, "\nfleet ") || strings.HasPrefix(out, "fleet ") {
			t.Errorf("%s split into fleets:\n%s", dir, out)
		}
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "one fleet: ") {
				line = l
			}
		}
		for _, want := range []string{"env/live/vm-a", "env/live/vm-b", "are one deployment", "names "} {
			if !strings.Contains(line, want) {
				t.Errorf("%s: %q lacks %q", dir, line, want)
			}
		}
		// A tree that is one fleet without joined folders says nothing.
		out, _, _ = apimlint(t, "nodes", filepath.Join(repoTestdata, "clean-ha"))
		if strings.Contains(out, "one fleet: ") {
			t.Errorf("clean-ha explains a join it did not make:\n%s", out)
		}
	}
}

package lint

import (
	"path/filepath"
	"testing"
)

func TestManifestRel(t *testing.T) {
	frag := "#configmap/apim-cp/acp-2-conf/deployment.toml"
	for _, c := range []struct{ root, file, want string }{
		{"planted", filepath.Join("planted", "rendered.yaml") + frag, "rendered.yaml" + frag},
		{"planted/", filepath.Join("planted", "sub", "cp.yaml") + frag, "sub/cp.yaml" + frag},
		{filepath.Join("planted", "rendered.yaml"), filepath.Join("planted", "rendered.yaml") + frag, "rendered.yaml" + frag},
		{".", "rendered.yaml" + frag, "rendered.yaml" + frag},
		{"other", filepath.Join("planted", "rendered.yaml") + frag, "rendered.yaml" + frag},
		{"-", "stdin" + frag, "stdin" + frag},
	} {
		if got := manifestRel(c.root, c.file); got != c.want {
			t.Errorf("manifestRel(%q, %q) = %q, want %q", c.root, c.file, got, c.want)
		}
	}
}

// TestManifestNodeRel: nodes made from ConfigMaps are named relative to
// the directory the manifests were loaded from, not by the path given.
func TestManifestNodeRel(t *testing.T) {
	f, err := LoadPaths([]string{filepath.Join("..", "testdata", "k8s", "clean")}, nil, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := f.Node("apim-prod/deployment/wso2-am-tm-1")
	if n == nil {
		t.Fatal("no node apim-prod/deployment/wso2-am-tm-1")
	}
	if want := "rendered.yaml#configmap/apim-prod/wso2-am-tm-1-conf/deployment.toml"; n.Rel != want {
		t.Errorf("Rel = %q, want %q", n.Rel, want)
	}
	// Its name's address is its workload's, not a directory's: still a guess.
	if a := n.Addresses[0]; a.Host != "wso2-am-tm-1" || a.Source != SourceWorkloadName || !a.Guessed() {
		t.Errorf("first address %+v, want wso2-am-tm-1 from its workload name", a)
	}
}

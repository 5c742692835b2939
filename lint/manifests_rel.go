package lint

import (
	"path/filepath"
	"strings"
)

// manifestRel is the Rel of a node made from a ConfigMap: its virtual
// file (manifest#configmap/NS/NAME/deployment.toml) with the manifest's
// path relative to the fleet root, as a TOML node's Rel is, so that a
// baseline taken on one copy of the manifests names the same file in
// another (drift joins it to the root it is run on). A root that is the
// manifest itself leaves its base name.
func manifestRel(root, file string) string {
	manifest, frag, _ := strings.Cut(file, "#")
	rel := filepath.Base(manifest)
	if r, err := filepath.Rel(root, manifest); err == nil && r != "." && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		rel = r
	}
	rel = filepath.ToSlash(rel)
	if frag == "" {
		return rel
	}
	return rel + "#" + frag
}

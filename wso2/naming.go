package wso2

import (
	"path"
	"path/filepath"
	"strings"
)

// NodeFileName is the file every WSO2 node reads its configuration from.
const NodeFileName = "deployment.toml"

// NodeName names a node after the directory of its file: rel is the file's
// slash path below root. It is the directory of rel, with a trailing repository/conf
// removed; a file at the root takes the root's own name.
func NodeName(root, rel string) string {
	dir := path.Dir(rel)
	if dir == "repository/conf" {
		dir = "."
	}
	dir = strings.TrimSuffix(dir, "/repository/conf")
	if dir == "" || dir == "." {
		abs, err := filepath.Abs(root)
		if err != nil {
			return "."
		}
		return filepath.Base(abs)
	}
	return dir
}

// NodeNameForFile names a node file given directly: after its directory
// for a deployment.toml, else after the file without its extension.
func NodeNameForFile(p string) string {
	base := filepath.Base(p)
	if base == NodeFileName {
		return NodeName(filepath.Dir(p), NodeFileName)
	}
	return strings.TrimSuffix(base, filepath.Ext(base))
}

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
	dir := NodeDir(rel)
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

// NodeDir is the directory of a node's file as WSO2 lays a pack out: the
// file's directory (slash path) with a trailing repository/conf removed,
// "." for the root.
func NodeDir(rel string) string {
	dir := path.Dir(rel)
	if dir == "repository/conf" {
		return "."
	}
	return strings.TrimSuffix(dir, "/repository/conf")
}

// IsPackDir reports whether a directory name is a WSO2 distribution's
// (wso2am-4.6.0, wso2am-acp-4.6.0, wso2is-6.1.0, wso2am-gw-4.2.0-SNAPSHOT).
func IsPackDir(name string) bool {
	rest, ok := strings.CutPrefix(strings.ToLower(name), "wso2")
	if !ok {
		return false
	}
	rest = strings.TrimSuffix(rest, "-snapshot")
	i := strings.LastIndexByte(rest, '-')
	if i < 0 {
		return false
	}
	parts := strings.Split(rest[i+1:], ".")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// IsExampleHost reports whether host is one of WSO2's documented example
// names (am.wso2.com, gw.wso2.com, km.wso2.com…), which unrelated
// deployments copy from the documentation and the Helm charts: such a name
// says nothing about which deployment is meant.
func IsExampleHost(host string) bool {
	host = CanonicalHost(host)
	return host == "wso2.com" || strings.HasSuffix(host, ".wso2.com")
}

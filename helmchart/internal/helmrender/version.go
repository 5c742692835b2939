package helmrender

import (
	"flag"
	"runtime"
)

//go:generate go run gen_apiversions.go

// BuildInfo is .Capabilities.HelmVersion, as helm.sh/helm/v3's
// internal/version.BuildInfo.
type BuildInfo struct {
	// Version is the current semver.
	Version string `json:"version,omitempty"`
	// GitCommit is the git sha1.
	GitCommit string `json:"git_commit,omitempty"`
	// GitTreeState is the state of the git tree.
	GitTreeState string `json:"git_tree_state,omitempty"`
	// GoVersion is the version of the Go compiler used.
	GoVersion string `json:"go_version,omitempty"`
}

// helmBuildInfo is what Helm's version.Get returns when Helm is a library
// (no link-time flags), including its blanking of the Go version in tests.
func helmBuildInfo() BuildInfo {
	v := BuildInfo{Version: helmVersion, GoVersion: runtime.Version()}
	if flag.Lookup("test.v") != nil {
		v.GoVersion = ""
	}
	return v
}

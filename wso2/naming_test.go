package wso2

import "testing"

func TestNodeDir(t *testing.T) {
	for rel, want := range map[string]string{
		"deployment.toml":                          ".",
		"repository/conf/deployment.toml":          ".",
		"gw-1/repository/conf/deployment.toml":     "gw-1",
		"gw-xrepository/conf/deployment.toml":      "gw-xrepository/conf",
		"prod/cp-1/deployment.toml":                "prod/cp-1",
		"a/repository/conf/repository/conf/x.toml": "a/repository/conf",
	} {
		if got := NodeDir(rel); got != want {
			t.Errorf("NodeDir(%q) = %q, want %q", rel, got, want)
		}
	}
}

func TestIsPackDir(t *testing.T) {
	for name, want := range map[string]bool{
		"wso2am-4.6.0": true, "wso2am-acp-4.6.0": true, "wso2is-6.1.0": true, "WSO2AM-GW-4.2.0-SNAPSHOT": true,
		"wso2am": false, "wso2am-acp": false, "apicp01": false, "wso2am-4": false, "wso2am-4.x.0": false,
	} {
		if got := IsPackDir(name); got != want {
			t.Errorf("IsPackDir(%q) = %v, want %v", name, got, want)
		}
	}
}

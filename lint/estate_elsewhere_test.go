package lint

import "testing"

// Only names that tell deployments apart are looked up in other fleets.
func TestDistinctiveHost(t *testing.T) {
	for host, want := range map[string]bool{
		"tm-1.prod.bank.local": true,
		"tm1":                  false, // completed by each environment's search domain
		"gateway":              false,
		"10.0.1.11":            false, // private networks reuse addresses
		"2001:db8::11":         false,
		"gw.wso2.com":          false, // WSO2's documented example
		"wso2.com":             false,
		"":                     false,
	} {
		if got := distinctiveHost(host); got != want {
			t.Errorf("distinctiveHost(%q) = %v, want %v", host, got, want)
		}
	}
}

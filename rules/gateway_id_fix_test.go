package rules

import (
	"testing"

	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/fleetversion"
)

// TestGatewayIDReadByVersion: the fix adds a gateway_id only for versions
// that read it (4.6.0 on, per WSO2's templates: carbon-apimgt 9.32.147);
// a declared version the catalogue lacks is judged as the version next
// below it.
func TestGatewayIDReadByVersion(t *testing.T) {
	gw := []string{catalog.DistGateway}
	for _, c := range []struct {
		v    fleetversion.Version
		want bool
	}{
		{fleetversion.Version{Candidates: []string{"4.6.0"}, Dists: gw}, true},
		{fleetversion.Version{Candidates: []string{"4.6.0", "4.7.0"}, Dists: gw}, true},
		{fleetversion.Version{Candidates: []string{"4.4.0"}, Dists: gw}, false},
		{fleetversion.Version{Candidates: []string{"4.5.0", "4.6.0"}, Dists: gw}, false},
		{fleetversion.Version{Declared: "4.8.0", Dists: gw}, true},
		{fleetversion.Version{Declared: "4.6.1", Dists: gw}, true},
		{fleetversion.Version{Declared: "4.5.1", Dists: gw}, false},
		{fleetversion.Version{Declared: "3.2.0", Dists: gw}, false},
		{fleetversion.Version{Dists: gw}, false},
	} {
		if got := versionReads(c.v, gatewayIDKey); got != c.want {
			t.Errorf("versionReads(%v, declared %q) = %v, want %v", c.v.Candidates, c.v.Declared, got, c.want)
		}
	}
}

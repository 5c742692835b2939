package fleetgen

import (
	"fmt"
	"path/filepath"
)

// WriteEstate writes an estate below dir: fleets copies of a generated
// fleet of nodesPerFleet nodes, one folder each (env-0001, env-0002, …),
// with the same host names in every copy, the hard case for discovery.
func WriteEstate(dir string, fleets, nodesPerFleet int) error {
	for i := range fleets {
		if err := WriteDir(filepath.Join(dir, EstateFleetName(i)), Sized(nodesPerFleet)); err != nil {
			return err
		}
	}
	return nil
}

// EstateFleetName is the folder (and fleet name) of WriteEstate's i-th fleet.
func EstateFleetName(i int) string { return fmt.Sprintf("env-%04d", i+1) }

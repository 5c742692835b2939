package lint

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A tree that is one fleet of siblings is parsed once: discovery builds
// the fleet to find its links, and LoadFleet hands that fleet back, so
// that its address book is not built again. Its links and
// load diagnostics are those of loading the tree on its own (the rules
// live above this package: TestEstateCorpusFleets compares with every
// rule).
func TestEstateOneFleetIsBuiltOnce(t *testing.T) {
	for _, dir := range []string{"../testdata/clean-ha", "../testdata/seed-ha", "../testdata/style-cohosted-broken"} {
		e, err := DiscoverEstate(dir, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Fleets) != 1 {
			t.Fatalf("%s: %d fleets", dir, len(e.Fleets))
		}
		pre := e.preloaded
		f, err := e.LoadFleet(e.Fleets[0])
		if err != nil {
			t.Fatal(err)
		}
		if pre == nil || f != pre {
			t.Errorf("%s: LoadFleet built the fleet again instead of taking discovery's", dir)
		}
		alone, err := Load([]string{dir}, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Run(context.Background(), f, nil, RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := Run(context.Background(), alone, nil, RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Links()) != len(alone.Links()) {
			t.Errorf("%s: %d links, loading alone finds %d", dir, len(f.Links()), len(alone.Links()))
		}
		if d := cmp.Diff(want.Findings, got.Findings); d != "" {
			t.Errorf("%s: findings differ from loading alone (-alone +estate):\n%s", dir, d)
		}
	}
}

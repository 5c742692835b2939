package schema_test

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

var idxRE = regexp.MustCompile(`\[\d+\]`)

func TestZZExplore(t *testing.T) {
	f, err := lint.Load([]string{"/work/shared/corpus"}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := os.Create("/tmp/h3keys.tsv")
	defer out.Close()
	type kr struct{ role, path, kind string }
	count := map[kr]int{}
	for _, n := range f.Nodes {
		for _, k := range n.Keys {
			p := idxRE.ReplaceAllString(k.Path, "[]")
			count[kr{string(n.Role), p, k.Value.Kind.String()}]++
		}
	}
	var keys []kr
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].path != keys[j].path {
			return keys[i].path < keys[j].path
		}
		return keys[i].role < keys[j].role
	})
	for _, k := range keys {
		fmt.Fprintf(out, "%s\t%s\t%s\t%d\n", k.path, k.role, k.kind, count[k])
	}
	roles := map[lint.Role]int{}
	for _, n := range f.Nodes {
		roles[n.Role]++
	}
	t.Log(roles, len(f.Nodes))
}

package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/wso2"
)

// TestReferenceKeysKnown: every key config-keys.tsv lists (the reference
// gathered from WSO2's config catalog, default.json and Helm charts) is
// known to the all-in-one schema, which holds every section. Rows that
// describe a family of keys (<name>, summaries in parentheses) are skipped.
func TestReferenceKeysKnown(t *testing.T) {
	file := filepath.Join(fleettest.SeedDir(t), "..", "reference", "config-keys.tsv")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Skipf("reference keys not available: %v", err)
	}
	s, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	root := s.roles[wso2.RoleAllInOne]
	checked := 0
	for i, line := range strings.Split(string(data), "\n") {
		cols := strings.Split(line, "\t")
		if i == 0 || len(cols) < 2 {
			continue
		}
		for _, table := range alternatives(strings.TrimSpace(strings.TrimSuffix(cols[0], " ([[ ]])"))) {
			for _, key := range alternatives(cols[1]) {
				if strings.ContainsAny(table+key, "<(*") || key == "" {
					continue
				}
				key = strings.ReplaceAll(key, "'", `"`)
				path := key
				if table != "(top-level)" {
					path = table + "." + key
				}
				checked++
				if !knows(root, splitPath(path)) {
					t.Errorf("config-keys.tsv line %d: %s is not in the schema", i+1, path)
				}
			}
		}
	}
	for _, bad := range []string{"server.ofset", "apim.event_hub.event_listning_endpoints", "apim.throttling.url_group.weight", "database.apim_bd.url"} {
		if knows(root, splitPath(bad)) {
			t.Errorf("%s is known to the schema, but it is a typo", bad)
		}
	}
	if checked < 300 {
		t.Errorf("only %d reference keys checked", checked)
	}
	t.Logf("%d reference keys known", checked)
}

// alternatives splits "a / b" into its forms.
func alternatives(s string) []string {
	var out []string
	for _, a := range strings.Split(s, " / ") {
		out = append(out, strings.TrimSpace(a))
	}
	return out
}

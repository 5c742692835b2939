package schema_test

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/schema"
)

// deadInFleets are the keys of the corpus fleets that no template of any
// API Manager 4.x version reads (WSO2's own metadata): real findings of
// the catalogue, each read by a person. By table:
//   - user_store.key: the helm charts' placeholder key = "value" (4.5.x, 4.6.x, main);
//   - apim.cache.tags.enable: helm main; only tags.expiry_time is read;
//   - apim.oauth_config.remove_outbound_auth_header: ansible 4.0 gateway;
//     the templates read enable_outbound_auth_header;
//   - apim.throttling.event_publisher (receiver_username, url_group…) and
//     apim.throttling.event_sync.hostName: the 4.2 multi-DC simulator TM;
//   - keystore.primary.name: the APIM 3.0.0 vagrant fleet (checked
//     against 4.x, since its version is not declared).
var deadInFleets = map[string]bool{
	"user_store.key":                                true,
	"apim.cache.tags.enable":                        true,
	"apim.oauth_config.remove_outbound_auth_header": true,
	"apim.throttling.event_publisher":               true,
	"apim.throttling.event_sync.hostName":           true,
	"keystore.primary.name":                         true,
}

// TestCorpus validates every real configuration of the shared corpus: no
// panic on any file, and on the fleets, which are real deployments WSO2
// published, no schema finding but the dead keys above. Counts by rule are
// logged for the singles (shipped defaults, test overlays), whose findings
// a person reads.
func TestCorpus(t *testing.T) {
	dir := fleettest.CorpusDir(t)
	fleets, err := os.ReadDir(filepath.Join(dir, "fleets"))
	if err != nil {
		t.Fatal(err)
	}
	total := map[string]int{}
	nodes := 0
	for _, d := range fleets {
		f, err := lint.Load([]string{filepath.Join(dir, "fleets", d.Name())}, lint.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		nodes += len(f.Nodes)
		for _, x := range check(t, f) {
			total[x.Rule]++
			if x.Rule == schema.RuleUnknownKey && strings.Contains(x.Message, "no template") && deadInFleets[x.Key] {
				continue
			}
			t.Errorf("fleet %s: %s:%d:%d: %s: %s (%s)", d.Name(), x.File, x.Line, x.Column, x.Severity, x.Message, x.Rule)
		}
	}
	singles, err := lint.Load([]string{filepath.Join(dir, "singles")}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	nodes += len(singles.Nodes)
	bySingle := map[string]int{}
	for _, x := range check(t, singles) {
		total[x.Rule]++
		bySingle[x.Rule]++
		t.Logf("single %s:%d: %s (%s)", strings.TrimPrefix(x.File, dir), x.Line, x.Message, x.Rule)
	}
	if nodes < 150 {
		t.Errorf("only %d corpus nodes validated", nodes)
	}
	var rules []string
	for r, c := range total {
		rules = append(rules, r+"="+strconv.Itoa(c))
	}
	sort.Strings(rules)
	t.Logf("%d corpus nodes; schema findings by rule: %v (singles: %v)", nodes, rules, bySingle)
}

func check(t *testing.T, f *lint.Fleet) (out []lint.Finding) {
	t.Helper()
	defer func() {
		if e := recover(); e != nil {
			t.Fatalf("schema validation panicked on %s: %v", f.Root, e)
		}
	}()
	return schema.Check(f)
}

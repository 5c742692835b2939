package drift

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

// corpusFleets is where the published configurations are (../shared from
// the checkout).
const corpusFleets = "../../shared/corpus/fleets"

// corpusUpgrades are fleets of the corpus published for consecutive
// releases with the same node names: the baseline of one release and
// the next release compared with it is an upgrade's drift.
var corpusUpgrades = [][2]string{
	{"docker-4.0.x-apim-is-as-km", "docker-4.1.x-apim-is-as-km"},
	{"docker-4.1.x-apim-is-as-km", "docker-4.2.x-apim-is-as-km"},
	{"docker-4.2.x-apim-is-as-km", "docker-4.3.x-apim-is-as-km"},
	{"docker-4.3.x-apim-is-as-km", "docker-4.5.x-apim-is-as-km"},
	{"docker-4.5.x-apim-is-as-km", "docker-4.6.x-apim-is-as-km"},
	{"docker-4.6.x-apim-is-as-km", "docker-4.7.x-apim-is-as-km"},
	{"docker-4.0.x-apim-mi", "docker-4.1.x-apim-mi"},
	{"docker-4.1.x-apim-mi", "docker-4.2.x-apim-mi"},
	{"docker-4.2.x-apim-mi", "docker-4.3.x-apim-mi"},
	{"docker-4.3.x-apim-mi", "docker-4.4.x-apim-mi"},
	{"docker-4.4.x-apim-mi", "docker-4.7.x-apim-mi"},
	{"ansible-4.0.x-distributed", "ansible-4.1.x-distributed"},
	{"ansible-4.1.x-distributed", "ansible-4.2.x-distributed"},
	{"helm-4.5.x-chart-defaults-distributed", "helm-4.6.x-chart-defaults-distributed"},
}

// corpusUpgradeDrift compares, for every upgrade, the drift reported on
// written values with the drift on effective values, and returns what
// disappeared and what appeared (by "fleet node key: message").
func corpusUpgradeDrift(t *testing.T) (written, eff int, gone, came []string) {
	t.Helper()
	if _, err := os.Stat(corpusFleets); err != nil {
		t.Skipf("no corpus at %s: %v", corpusFleets, err)
	}
	key := testKey(t)
	for _, up := range corpusUpgrades {
		old, err := lint.Load([]string{filepath.Join(corpusFleets, up[0])}, lint.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		today, err := lint.Load([]string{filepath.Join(corpusFleets, up[1])}, lint.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := Record(old, RecordOptions{Key: key})
		if err != nil {
			t.Fatal(err)
		}
		idx := func(fs []lint.Finding) map[string]string {
			m := map[string]string{}
			for _, f := range fs {
				m[up[1]+" "+f.Node+" "+f.Key] = f.Message
			}
			return m
		}
		w, e := idx(Compare(b, today, Options{WrittenOnly: true})), idx(Compare(b, today, Options{}))
		written += len(w)
		eff += len(e)
		for k, m := range w {
			if _, ok := e[k]; !ok {
				gone = append(gone, k+": "+m)
			}
		}
		for k, m := range e {
			if _, ok := w[k]; !ok {
				came = append(came, k+": "+m)
			}
		}
	}
	sort.Strings(gone)
	sort.Strings(came)
	return written, eff, gone, came
}

// TestCorpusUpgradeDriftOnEffectiveValues: on the corpus's consecutive
// releases, keys a release stopped writing because WSO2's default is the
// value the previous release wrote are no drift any more; none appears.
// Each of those listed was checked against ../shared/wso2-metadata.
func TestCorpusUpgradeDriftOnEffectiveValues(t *testing.T) {
	written, eff, gone, came := corpusUpgradeDrift(t)
	t.Logf("upgrade drift on the corpus: %d findings on written values, %d on effective values (%d gone, %d new)", written, eff, len(gone), len(came))
	for _, g := range gone {
		t.Logf("gone: %s", g)
	}
	if len(came) > 0 {
		t.Errorf("effective values made drift appear:\n%s", strings.Join(came, "\n"))
	}
	if len(gone) == 0 {
		t.Error("no drift finding disappeared because of defaults")
	}
}

func TestCorpusPrintDefaults(t *testing.T) {
	if os.Getenv("APIMLINT_CORPUS_PRINT") == "" {
		t.Skip("set APIMLINT_CORPUS_PRINT=1")
	}
	key := testKey(t)
	for _, up := range corpusUpgrades {
		old, _ := lint.Load([]string{filepath.Join(corpusFleets, up[0])}, lint.LoadOptions{})
		today, _ := lint.Load([]string{filepath.Join(corpusFleets, up[1])}, lint.LoadOptions{})
		b, _ := Record(old, RecordOptions{Key: key})
		for _, f := range Compare(b, today, Options{}) {
			if strings.Contains(f.Message, "default") || strings.Contains(f.Message, "inferred") {
				t.Logf("%s %s: %s", up[1], f.Node, f.Message)
			}
		}
	}
}

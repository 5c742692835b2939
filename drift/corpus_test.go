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
func corpusUpgradeDrift(t *testing.T) (written, eff int, gone, came, all []string) {
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
			all = append(all, k+": "+m)
		}
	}
	sort.Strings(gone)
	sort.Strings(came)
	sort.Strings(all)
	return written, eff, gone, came, all
}

// TestCorpusUpgradeDriftOnEffectiveValues: on the corpus's consecutive
// releases, keys a release stopped writing because WSO2's default is the
// value the previous release wrote are no drift any more; none appears.
// Each of those listed was checked against ../shared/wso2-metadata.
func TestCorpusUpgradeDriftOnEffectiveValues(t *testing.T) {
	written, eff, gone, came, all := corpusUpgradeDrift(t)
	t.Logf("upgrade drift on the corpus: %d findings on written values, %d on effective values (%d gone, %d new)", written, eff, len(gone), len(came))
	for _, g := range gone {
		t.Logf("gone: %s", g)
	}
	if len(came) > 0 {
		t.Errorf("effective values made drift appear:\n%s", strings.Join(came, "\n"))
	}
	has := func(list []string, want string) bool {
		for _, s := range list {
			if strings.HasPrefix(s, want) {
				return true
			}
		}
		return false
	}
	// Checked against ../shared/wso2-metadata: 4.1.0's keystore.primary
	// defaults are wso2carbon.jks, JKS, wso2carbon (the secret compared
	// through the baseline's HMAC); 4.6.0's deployment_ack.batch_interval is
	// 2000 ms, which "2s" is once unit-resolve.json converted it; 4.3.0's
	// apim.ai.enable defaults to true.
	for _, want := range []string{
		"ansible-4.1.x-distributed apim-control-plane_1 keystore.primary.password: keystore.primary.password removed since the baseline: was a secret",
		"ansible-4.1.x-distributed apim-control-plane_1 keystore.primary.file_name: ",
		"helm-4.6.x-chart-defaults-distributed gateway apim.gateway_notification.deployment_ack.batch_interval: ",
		"helm-4.6.x-chart-defaults-distributed gateway apim.gateway_notification.deployment_ack.retry_progression_factor: ",
		"docker-4.3.x-apim-mi apim apim.ai.enable: apim.ai.enable added since the baseline: true",
	} {
		if !has(gone, want) {
			t.Errorf("drift that defaults explain is still reported: %s", want)
		}
	}
	// Where the default differs, drift stays and says which default the
	// node ran with: 4.0.0's apim.jwt.enable is false, 4.6.0's
	// heartbeat.notify_interval 30 seconds ("1m" is 60).
	for _, want := range []string{
		`ansible-4.1.x-distributed apim-gateway_1 apim.jwt.enable: apim.jwt.enable added since the baseline: "true"; before, the node ran with "false" (the default of WSO2 API Manager 4.0.0)`,
		`helm-4.6.x-chart-defaults-distributed gateway apim.gateway_notification.heartbeat.notify_interval: apim.gateway_notification.heartbeat.notify_interval added since the baseline: "1m"; before, the node ran with "30" (the default of WSO2 API Manager 4.6.0)`,
	} {
		if !has(all, want) {
			t.Errorf("missing drift: %s", want)
		}
	}
}

package rules

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/apimlint/apimlint/lint"
)

// TestStyleFleets lints the hand-written fleets under ../testdata/style-*:
// fleets in styles unlike WSO2's guide (nodes sharing a VM told apart by
// their offsets, Kubernetes Services, Oracle RAC). Each clean fleet must
// give no finding at warning or above; its -broken twin holds one planted
// mistake, which must be found at its line, and nothing else.
func TestStyleFleets(t *testing.T) {
	type want struct {
		at   string // file:line:col: severity: rule
		says string // a part of the message that names the mistake
	}
	cases := []struct {
		fleet string
		want  []want
	}{
		{"style-cohosted", nil},
		{"style-cohosted-broken", []want{
			// The control plane publishes to the traffic manager's binary
			// port on their shared VM instead of its own.
			{"a1-control/deployment.toml:78:9: error: event-hub-publish-groups", "the binary port of a control plane is 9611 (a1-control)"},
			{"a1-control/deployment.toml:79:14: error: event-hub-publish-groups", "the binary-TLS port of a control plane is 9711 (a1-control)"},
			// A gateway hears throttle decisions on the control plane's
			// broker, not the traffic manager's at offset 2.
			{"b1-edge-bis/deployment.toml:61:32: error: throttle-decision-endpoints", "the JMS-TLS port of a traffic manager is 8674 (a1-throttle)"},
		}},
		{"style-k8s", nil},
		{"style-k8s-broken", []want{
			// A gateway calls the gateway Service for the event hub.
			{"wso2-gw-1/deployment.toml:59:15: error: event-hub-service-url", `points at wso2-gw-service, the gateway service named by wso2-acp-0's environment "Default" service_url`},
		}},
		{"style-oracle", nil},
		{"style-oracle-broken", []want{
			// One control plane's TNS descriptor names the standby service.
			{"apim-west/deployment.toml:38:7: error: shared-db-consistent", "APIM_STBY.db.corp.example.net"},
		}},
	}
	for _, c := range cases {
		t.Run(c.fleet, func(t *testing.T) {
			root := filepath.Join("..", "testdata", c.fleet)
			f, err := lint.Load([]string{root}, lint.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := lint.Run(t.Context(), f, All(), lint.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got, wantAt []string
			msgs := map[string]string{}
			for _, x := range res.Findings {
				if x.Severity < lint.SeverityWarning {
					continue
				}
				rel, _ := filepath.Rel(root, x.File)
				at := fmt.Sprintf("%s:%d:%d: %s: %s", filepath.ToSlash(rel), x.Line, x.Column, x.Severity, x.Rule)
				got = append(got, at)
				msgs[at] = x.Message
			}
			for _, w := range c.want {
				wantAt = append(wantAt, w.at)
			}
			if d := cmp.Diff(wantAt, got); d != "" {
				for _, at := range got {
					t.Logf("%s: %s", at, msgs[at])
				}
				t.Fatalf("findings at warning or above (-want +got):\n%s", d)
			}
			for _, w := range c.want {
				if !strings.Contains(msgs[w.at], w.says) {
					t.Errorf("%s: message %q does not say %q", w.at, msgs[w.at], w.says)
				}
			}
		})
	}
}

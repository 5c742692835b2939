package watch

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestMetricsAndHealth(t *testing.T) {
	m := NewMetrics()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	if code, _ := get(t, srv.URL+"/healthz"); code != http.StatusServiceUnavailable {
		t.Fatalf("healthz before the first lint: %d", code)
	}
	m.Observe(Event{Kind: EventState, Time: time.Unix(1700000000, 0), Stats: &Stats{Nodes: 3, Duration: 1500 * time.Millisecond, DriftKeys: 2,
		ByRule: map[string]map[string]int{"test-value": {"warning": 2}, "baseline-drift": {"warning": 2}}}})
	m.Observe(Event{Kind: EventError, Message: "x"})
	if code, body := get(t, srv.URL+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Fatalf("healthz: %d %q", code, body)
	}
	_, body := get(t, srv.URL+"/metrics")
	for _, want := range []string{
		`apimlint_findings{rule="test-value",severity="warning"} 2`,
		`apimlint_findings{rule="baseline-drift",severity="warning"} 2`,
		"apimlint_nodes 3",
		"apimlint_drift_keys 2",
		"apimlint_last_lint_duration_seconds 1.5",
		"apimlint_last_lint_timestamp_seconds 1.7e+09",
		"apimlint_lints_total 1",
		"apimlint_watch_errors_total 1",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	// A rule whose findings are all resolved leaves the metrics.
	m.Observe(Event{Kind: EventLint, Time: time.Now(), Stats: &Stats{Nodes: 3, ByRule: map[string]map[string]int{"test-value": {"warning": 1}}}})
	_, body = get(t, srv.URL+"/metrics")
	if strings.Contains(body, `rule="baseline-drift"`) || !strings.Contains(body, `apimlint_findings{rule="test-value",severity="warning"} 1`) {
		t.Errorf("metrics after resolve:\n%s", body)
	}
}

func TestCheckListen(t *testing.T) {
	for _, c := range []struct {
		addr string
		any  bool
		ok   bool
	}{
		{"127.0.0.1:9311", false, true},
		{"[::1]:9311", false, true},
		{"localhost:9311", false, true},
		{"127.3.4.5:1", false, true},
		{"0.0.0.0:9311", false, false},
		{":9311", false, false},
		{"10.1.2.3:9311", false, false},
		{"apim.example.com:9311", false, false},
		{"0.0.0.0:9311", true, true},
		{"127.0.0.1", false, false},
		{"127.0.0.1:", false, false},
	} {
		err := CheckListen(c.addr, c.any)
		if (err == nil) != c.ok {
			t.Errorf("CheckListen(%q, %v) = %v, want ok=%v", c.addr, c.any, err, c.ok)
		}
	}
}

// The exposition is Prometheus' text format as Prometheus parses it,
// label values with quotes, backslashes and newlines included.
func TestMetricsParseAsPrometheusText(t *testing.T) {
	m := NewMetrics()
	m.Observe(Event{Kind: EventLint, Time: time.Unix(1700000000, 500_000_000), Stats: &Stats{Nodes: 7, Duration: 250 * time.Millisecond,
		ByRule: map[string]map[string]int{"odd\"rule\\x\ny": {"error": 3}, "b": {"warning": 1, "error": 2}}}})
	m.Observe(Event{Kind: EventError})
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(m.write())))
	if err != nil {
		t.Fatalf("not Prometheus text: %v\n%s", err, m.write())
	}
	got := map[string]float64{}
	for name, f := range fams {
		for _, mt := range f.GetMetric() {
			key := name
			for _, l := range mt.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			switch {
			case mt.GetGauge() != nil:
				got[key] = mt.GetGauge().GetValue()
			case mt.GetCounter() != nil:
				got[key] = mt.GetCounter().GetValue()
			}
		}
	}
	want := map[string]float64{
		"apimlint_findings,rule=odd\"rule\\x\ny,severity=error": 3,
		"apimlint_findings,rule=b,severity=warning":             1,
		"apimlint_findings,rule=b,severity=error":               2,
		"apimlint_nodes":                       7,
		"apimlint_drift_keys":                  0,
		"apimlint_last_lint_duration_seconds":  0.25,
		"apimlint_last_lint_timestamp_seconds": 1700000000.5,
		"apimlint_lints_total":                 1,
		"apimlint_watch_errors_total":          1,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("parsed metrics (-want +got):\n%s", d)
	}
	if fams["apimlint_lints_total"].GetType().String() != "COUNTER" || fams["apimlint_nodes"].GetType().String() != "GAUGE" {
		t.Errorf("types: %v %v", fams["apimlint_lints_total"].GetType(), fams["apimlint_nodes"].GetType())
	}
}

package watch

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics exposes the watcher's state in Prometheus format. Feed it every
// event with Observe (it is safe to call from the OnEvent callback) and
// serve Handler.
type Metrics struct {
	reg       *prometheus.Registry
	findings  *prometheus.GaugeVec
	nodes     prometheus.Gauge
	lastLint  prometheus.Gauge
	duration  prometheus.Gauge
	driftKeys prometheus.Gauge
	lints     prometheus.Counter
	errors    prometheus.Counter
	ready     atomic.Bool
	rootLost  atomic.Bool
}

// NewMetrics makes the metrics on a registry of their own, so that two
// watchers in one program do not collide.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		findings: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "apimlint_findings",
			Help: "Current findings by rule and severity."}, []string{"rule", "severity"}),
		nodes:     prometheus.NewGauge(prometheus.GaugeOpts{Name: "apimlint_nodes", Help: "Nodes in the fleet."}),
		lastLint:  prometheus.NewGauge(prometheus.GaugeOpts{Name: "apimlint_last_lint_timestamp_seconds", Help: "When the fleet was last linted (Unix time)."}),
		duration:  prometheus.NewGauge(prometheus.GaugeOpts{Name: "apimlint_last_lint_duration_seconds", Help: "How long the last lint took, after the debounce."}),
		driftKeys: prometheus.NewGauge(prometheus.GaugeOpts{Name: "apimlint_drift_keys", Help: "Keys and nodes that differ from the baseline (0 without --baseline)."}),
		lints:     prometheus.NewCounter(prometheus.CounterOpts{Name: "apimlint_lints_total", Help: "Lints run since start."}),
		errors:    prometheus.NewCounter(prometheus.CounterOpts{Name: "apimlint_watch_errors_total", Help: "Problems that did not stop watching (unreadable files, lost events)."}),
	}
	m.reg.MustRegister(m.findings, m.nodes, m.lastLint, m.duration, m.driftKeys, m.lints, m.errors)
	return m
}

// Observe updates the metrics from an event.
func (m *Metrics) Observe(e Event) {
	switch e.Kind {
	case EventError:
		m.errors.Inc()
		if e.RootLost {
			m.rootLost.Store(true)
		}
	case EventState, EventLint:
		s := e.Stats
		m.findings.Reset()
		for rule, bySev := range s.ByRule {
			for sev, n := range bySev {
				m.findings.WithLabelValues(rule, sev).Set(float64(n))
			}
		}
		m.nodes.Set(float64(s.Nodes))
		m.lastLint.Set(float64(e.Time.UnixNano()) / 1e9)
		m.duration.Set(s.Duration.Seconds())
		m.driftKeys.Set(float64(s.DriftKeys))
		m.lints.Inc()
		m.ready.Store(true)
		m.rootLost.Store(false)
	}
}

// Handler serves /metrics, and /healthz: 200 once the first lint is done,
// 503 while the watcher cannot see its fleet directory.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		if !m.ready.Load() {
			http.Error(w, "starting: first lint not done", http.StatusServiceUnavailable)
			return
		}
		if m.rootLost.Load() {
			http.Error(w, "cannot see the fleet directory: findings are stale", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// CheckListen refuses an address that is not loopback unless any is set:
// the metrics name the fleet's rules and nodes, which are not for everyone.
func CheckListen(addr string, any bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if port == "" {
		return fmt.Errorf("listen address %q has no port", addr)
	}
	if any {
		return nil
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	if host == "" {
		host = "every interface"
	}
	return fmt.Errorf("listen address %q is not loopback (%s): use 127.0.0.1:%s, or --listen-any to expose the metrics", addr, host, port)
}

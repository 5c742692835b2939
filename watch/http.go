package watch

import (
	"bytes"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Metrics exposes the watcher's state in Prometheus' text format. Feed it
// every event with Observe (it is safe to call from the OnEvent callback)
// and serve Handler.
//
// The format is written here rather than by Prometheus' client library:
// eight metrics need a few lines, and the library's registry, protobuf
// descriptors and process collectors were linked into every apimlint run,
// 1.6 MiB of memory and their start-up for a lint that serves no metrics.
type Metrics struct {
	mu        sync.Mutex
	findings  map[[2]string]int // by rule and severity
	nodes     int
	lastLint  float64
	duration  float64
	driftKeys int
	lints     int
	errors    int
	ready     atomic.Bool
	rootLost  atomic.Bool
}

// NewMetrics makes the metrics of one watcher.
func NewMetrics() *Metrics { return &Metrics{} }

// Observe updates the metrics from an event.
func (m *Metrics) Observe(e Event) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e.Kind {
	case EventError:
		m.errors++
		if e.RootLost {
			m.rootLost.Store(true)
		}
	case EventState, EventLint:
		s := e.Stats
		m.findings = map[[2]string]int{}
		for rule, bySev := range s.ByRule {
			for sev, n := range bySev {
				m.findings[[2]string{rule, sev}] = n
			}
		}
		m.nodes = s.Nodes
		m.lastLint = float64(e.Time.UnixNano()) / 1e9
		m.duration = s.Duration.Seconds()
		m.driftKeys = s.DriftKeys
		m.lints++
		m.ready.Store(true)
		m.rootLost.Store(false)
	}
}

// metricsContentType is Prometheus' text exposition format, which every
// scraper accepts.
const metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

// write renders the metrics in the text format, sorted as Prometheus'
// client sorts them: by name, then by label values.
func (m *Metrics) write() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b bytes.Buffer
	one := func(name, kind, help string, v float64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n%s %s\n", name, help, name, kind, name, promFloat(v))
	}
	one("apimlint_drift_keys", "gauge", "Keys and nodes that differ from the baseline (0 without --baseline).", float64(m.driftKeys))
	if len(m.findings) > 0 {
		b.WriteString("# HELP apimlint_findings Current findings by rule and severity.\n# TYPE apimlint_findings gauge\n")
		for _, k := range slices.SortedFunc(maps.Keys(m.findings), func(a, b [2]string) int {
			return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1])
		}) {
			fmt.Fprintf(&b, "apimlint_findings{rule=%s,severity=%s} %s\n", promLabel(k[0]), promLabel(k[1]), promFloat(float64(m.findings[k])))
		}
	}
	one("apimlint_last_lint_duration_seconds", "gauge", "How long the last lint took, after the debounce.", m.duration)
	one("apimlint_last_lint_timestamp_seconds", "gauge", "When the fleet was last linted (Unix time).", m.lastLint)
	one("apimlint_lints_total", "counter", "Lints run since start.", float64(m.lints))
	one("apimlint_nodes", "gauge", "Nodes in the fleet.", float64(m.nodes))
	one("apimlint_watch_errors_total", "counter", "Problems that did not stop watching (unreadable files, lost events).", float64(m.errors))
	return b.Bytes()
}

// promFloat writes a sample value as Prometheus' client does.
func promFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// promLabel quotes a label value: backslash, double quote and newline
// escaped.
func promLabel(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v) + `"`
}

// Handler serves /metrics, and /healthz: 200 once the first lint is done,
// 503 while the watcher cannot see its fleet directory.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", metricsContentType)
		_, _ = w.Write(m.write())
	})
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

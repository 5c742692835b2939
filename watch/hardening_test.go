package watch

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apimlint/apimlint/internal/fleettest"
)

// configMap writes dir as the kubelet mounts a ConfigMap: the node file
// links into ..data, a link to a timestamped directory.
func configMap(t *testing.T, dir, version, content string) {
	t.Helper()
	data := filepath.Join(dir, "..2026_11_27_"+version)
	fleettest.WriteFile(t, filepath.Join(data, "deployment.toml"), content)
	tmp := filepath.Join(dir, "..data_tmp")
	if err := os.Symlink(filepath.Base(data), tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil { // the atomic swap
		t.Fatal(err)
	}
	link := filepath.Join(dir, "deployment.toml")
	if _, err := os.Lstat(link); os.IsNotExist(err) {
		if err := os.Symlink("..data/deployment.toml", link); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConfigMapUpdate: a ConfigMap update swaps ..data and touches
// nothing else; watch must see it (issue 13, item 3).
func TestConfigMapUpdate(t *testing.T) {
	dir := fleet(t, "cp-1")
	gw := filepath.Join(dir, "gw-1")
	configMap(t, gw, "v0", node("cm-v0"))
	h := start(t, dir, Options{})
	st := h.state()
	if count(eventsOf(st), is(EventState, "gw-1", "value cm-v0")) != 1 {
		t.Fatalf("initial state misses the ConfigMap node: %+v", st.Findings)
	}
	configMap(t, gw, "v1", node("cm-v1"))
	if err := os.RemoveAll(filepath.Join(gw, "..2026_11_27_v0")); err != nil {
		t.Fatal(err)
	}
	evs := h.until(is(EventNew, "gw-1", "value cm-v1"))
	if count(evs, is(EventResolved, "gw-1", "value cm-v0")) != 1 {
		t.Fatalf("the old value is not resolved: %s", describe(evs))
	}
}

// TestSymlinkedNodeDirectory: lint follows a symlinked node directory,
// so watch does, and sees edits made through the link's target.
func TestSymlinkedNodeDirectory(t *testing.T) {
	dir := fleet(t, "cp-1")
	elsewhere := t.TempDir()
	target := filepath.Join(elsewhere, "gw")
	fleettest.WriteFile(t, filepath.Join(target, "deployment.toml"), node("linked-v0"))
	if err := os.Symlink(target, filepath.Join(dir, "gw-1")); err != nil {
		t.Fatal(err)
	}
	// An alias of a node directory is the same node, reported once.
	if err := os.Symlink("cp-1", filepath.Join(dir, "cp-alias")); err != nil {
		t.Fatal(err)
	}
	h := start(t, dir, Options{})
	st := h.state()
	if st.Nodes != 2 || count(eventsOf(st), is(EventState, "gw-1", "value linked-v0")) != 1 {
		t.Fatalf("state: %d nodes, %+v", st.Nodes, st.Findings)
	}
	fleettest.WriteFile(t, filepath.Join(target, "deployment.toml"), node("linked-v1"))
	h.until(is(EventNew, "gw-1", "value linked-v1"))
}

// TestRootDeletedAndRecreated: watch must neither report every finding
// resolved nor go deaf when its root goes away and comes back, and
// /healthz fails meanwhile (issue 13, item 4).
func TestRootDeletedAndRecreated(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "fleet")
	fleettest.WriteFile(t, filepath.Join(dir, "cp-1", "deployment.toml"), node("cp-1-v0"))
	m := NewMetrics()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	h := &harness{t: t, dir: dir, events: make(chan Event, 1000), done: make(chan error, 1)}
	w, err := New(Options{Root: dir, Rules: testRules(t), Debounce: 30 * time.Millisecond, Poll: 20 * time.Millisecond,
		OnEvent: func(e Event) { m.Observe(e); h.events <- e }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- w.Run(ctx) }()
	t.Cleanup(h.stop)
	h.state()
	if code, _ := get(t, srv.URL+"/healthz"); code != 200 {
		t.Fatalf("healthz %d after the first lint", code)
	}
	// The root goes away at once, as a volume unmounted or a directory
	// moved away does. (rm -rf removes the files first: a lint in between
	// rightly reports their findings resolved.)
	if err := os.Rename(dir, dir+".gone"); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir + ".gone"); err != nil {
		t.Fatal(err)
	}
	for {
		e := h.next()
		if e.Kind == EventResolved {
			t.Fatalf("a deleted root reports its findings resolved: %+v", e.Finding)
		}
		if e.Kind == EventError && e.RootLost {
			break
		}
	}
	if code, body := get(t, srv.URL+"/healthz"); code != 503 {
		t.Fatalf("healthz %d %q while the root is gone", code, body)
	}
	fleettest.WriteFile(t, filepath.Join(dir, "cp-1", "deployment.toml"), node("cp-1-v1"))
	evs := h.until(is(EventNew, "cp-1", "value cp-1-v1"))
	if count(evs, is(EventResolved, "cp-1", "value cp-1-v0")) != 1 {
		t.Fatalf("after the root came back: %s", describe(evs))
	}
	if code, _ := get(t, srv.URL+"/healthz"); code != 200 {
		t.Fatalf("healthz %d after the root came back", code)
	}
	// And it keeps watching.
	fleettest.WriteFile(t, filepath.Join(dir, "cp-1", "deployment.toml"), node("cp-1-v2"))
	h.until(is(EventNew, "cp-1", "value cp-1-v2"))
}

// TestStopDuringDebounceLintsPending: a stop (SIGTERM) in the quiet time
// after a change lints the change and reports it before Run returns
// (issue 13, item 11).
func TestStopDuringDebounceLintsPending(t *testing.T) {
	dir := fleet(t, "cp-1")
	armed := make(chan struct{}, 100)
	armedHook = func() { armed <- struct{}{} }
	defer func() { armedHook = nil }()
	h := start(t, dir, Options{Debounce: time.Hour})
	h.state()
	fleettest.WriteFile(t, filepath.Join(dir, "cp-1", "deployment.toml"), node("cp-1-v1"))
	select {
	case <-armed:
	case <-time.After(10 * time.Second):
		t.Fatal("the change was never seen")
	}
	h.cancel()
	if err := <-h.done; err != nil {
		t.Fatal(err)
	}
	h.done <- nil
	var evs []Event
	for len(h.events) > 0 {
		evs = append(evs, <-h.events)
	}
	if count(evs, is(EventNew, "cp-1", "value cp-1-v1")) != 1 || count(evs, func(e Event) bool { return e.Kind == EventLint }) != 1 {
		t.Fatalf("events after stop: %s", describe(evs))
	}
}

// eventsOf turns a state's findings into events, for is().
func eventsOf(st *Stats) []Event {
	out := make([]Event, 0, len(st.Findings))
	for i := range st.Findings {
		out = append(out, Event{Kind: EventState, Finding: &st.Findings[i]})
	}
	return out
}

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apimlint/apimlint/internal/fleettest"
)

// lockedBuffer is written by the watch goroutine while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func waitFor(t *testing.T, buf *lockedBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(buf.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("never printed %q; output:\n%s", want, buf.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startWatch runs `apimlint watch` in-process with the real signal
// handling and returns its outputs and exit code channel.
func startWatch(t *testing.T, args ...string) (stdout, stderr *lockedBuffer, code chan int) {
	stdout, stderr, code = &lockedBuffer{}, &lockedBuffer{}, make(chan int, 1)
	env := &cliEnv{stdout: stdout, stderr: stderr, getenv: testGetenv}
	go func() { code <- run(env, append([]string{"watch"}, args...)) }()
	return stdout, stderr, code
}

func waitExit(t *testing.T, code chan int) int {
	t.Helper()
	select {
	case c := <-code:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("watch did not exit")
	}
	return -1
}

func TestWatchCLISIGTERM(t *testing.T) {
	dir := driftFleet(t)
	stdout, stderr, code := startWatch(t, "--debounce", "20ms", "--rule", "schema-unknown-key", dir)
	// The state line is printed after the signal handler is installed.
	waitFor(t, stdout, "watching "+dir+": 2 nodes")
	fleettest.WriteFiles(t, dir, map[string]string{"gw-1/deployment.toml": "[server]\nhostname = \"gw-1\"\nno_such_key = 1\n"})
	waitFor(t, stdout, "new      "+filepath.Join(dir, "gw-1", "deployment.toml")+":3:1: warning: unknown key no_such_key")
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if c := waitExit(t, code); c != exitOK {
		t.Fatalf("exit %d after SIGTERM; stderr %s", c, stderr.String())
	}
}

func TestWatchCLIJSONL(t *testing.T) {
	dir := driftFleet(t)
	base := filepath.Join(t.TempDir(), "b.json")
	if _, stderr, c := apimlint(t, "baseline", dir, "-o", base); c != exitOK {
		t.Fatal(stderr)
	}
	stdout, _, code := startWatch(t, "--format", "jsonl", "--debounce", "20ms", "--rule", "schema-unknown-key", "--baseline", base, "--listen", "127.0.0.1:0", dir)
	waitFor(t, stdout, `"event":"state"`)
	fleettest.WriteFiles(t, dir, map[string]string{"gw-1/deployment.toml": "[server]\nhostname = \"gw-2\"\nnode_ip = \"10.0.0.2\"\nserver_role = \"gateway-worker\"\n\n[apim.cache.gateway_token]\nenable = true\n"})
	waitFor(t, stdout, `"rule":"baseline-drift"`)
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if c := waitExit(t, code); c != exitOK {
		t.Fatalf("exit %d", c)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var state struct {
		Time    time.Time
		Event   string
		Nodes   int
		Summary struct{ Warning int }
	}
	if err := json.Unmarshal([]byte(lines[0]), &state); err != nil || state.Event != "state" || state.Nodes != 2 || state.Time.IsZero() {
		t.Fatalf("state line %q: %v", lines[0], err)
	}
	var ev struct {
		Time    time.Time
		Event   string
		Finding struct{ Rule, Key, Message string }
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &ev); err != nil || ev.Event != "new" || ev.Finding.Rule != "baseline-drift" ||
		ev.Finding.Key != "server.hostname" || ev.Time.IsZero() {
		t.Fatalf("event line %q: %v", lines[len(lines)-1], err)
	}
}

func TestWatchCLIUsage(t *testing.T) {
	dir := driftFleet(t)
	for _, args := range [][]string{
		{"watch"},
		{"watch", dir, dir},
		{"watch", "--format", "json", dir},
		{"watch", "--listen", "0.0.0.0:0", dir},
		{"watch", "--listen", ":9311", dir},
		{"watch", "--debounce", "0s", dir},
		{"watch", "--rule", "no-such-rule", dir},
		{"watch", "--baseline", filepath.Join(dir, "missing.json"), dir},
		{"watch", filepath.Join(dir, "missing")},
	} {
		_, stderr, c := apimlint(t, args...)
		if c != exitUsage {
			t.Errorf("apimlint %s: exit %d, want 2 (%s)", strings.Join(args, " "), c, stderr)
		}
	}
	_, stderr, _ := apimlint(t, "watch", "--listen", "0.0.0.0:9311", dir)
	if !strings.Contains(stderr, "not loopback") || !strings.Contains(stderr, "--listen-any") {
		t.Errorf("refusal does not explain: %s", stderr)
	}
}

// TestWatchCLIJSONLFixes: a new finding that has a fix carries it in its
// jsonl event, as lint --format json does.
func TestWatchCLIJSONLFixes(t *testing.T) {
	dir := driftFleet(t)
	stdout, _, code := startWatch(t, "--format", "jsonl", "--debounce", "20ms", "--rule", "schema-unknown-key", dir)
	waitFor(t, stdout, `"event":"state"`)
	fleettest.WriteFiles(t, dir, map[string]string{"gw-1/deployment.toml": "[server]\nhostname = \"gw-1\"\nofset = 2\n"})
	waitFor(t, stdout, `"fixes":[{"message":"rename ofset to offset"`)
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if c := waitExit(t, code); c != exitOK {
		t.Fatalf("exit %d", c)
	}
	if !strings.Contains(stdout.String(), `"newText":"offset"`) {
		t.Errorf("the event's fix has no edit:\n%s", stdout.String())
	}
}

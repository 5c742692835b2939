package report

// The HTML report in a real browser: Chromium, driven through the DevTools
// protocol by chromedp. chromedp rather than chromium --dump-dom because
// the test must click a finding and see console errors and network
// requests, which a DOM dump cannot show. The test skips, saying so, where
// no Chromium is installed (.ci/run installs Debian's chromium).

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds a Chromium or Chrome binary, or "".
func chromiumPath() string {
	if p := os.Getenv("APIMLINT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func TestHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	bin := chromiumPath()
	if bin == "" {
		t.Skip("no Chromium installed (apt-get install chromium, or set APIMLINT_CHROMIUM): the HTML report is not tested in a browser")
	}
	res := lintSeedHA(t)
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, []byte(writeHTML(t, res)), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	var mu sync.Mutex
	var problems, requests []string
	listen := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == "error" || ev.Type == "warning" || ev.Type == "assert" {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problems = append(problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			msg := ev.ExceptionDetails.Text
			if ex := ev.ExceptionDetails.Exception; ex != nil {
				msg += " " + ex.Description
			}
			problems = append(problems, "exception: "+msg)
		case *log.EventEntryAdded:
			if ev.Entry.Level == "error" || ev.Entry.Level == "warning" {
				problems = append(problems, fmt.Sprintf("log %s: %s %s", ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			requests = append(requests, ev.Request.URL)
		}
	}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(listen))
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()
	for _, enable := range []func() error{
		func() error { _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); return err },
	} {
		if err := enable(); err != nil {
			t.Fatalf("start Chromium %s: %v", bin, err)
		}
	}
	url := "file://" + filepath.ToSlash(file)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("#picture svg")),
	); err != nil {
		t.Fatalf("load %s in Chromium: %v", url, err)
	}
	listed, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("li.finding").length`))
	if err != nil {
		t.Fatal(err)
	}
	if listed != len(res.Findings) {
		t.Errorf("the page lists %d findings, want %d", listed, len(res.Findings))
	}
	highlighted := func() []string {
		t.Helper()
		ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".node.highlight")).map(function (g) { return g.id; })`))
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if h := highlighted(); len(h) != 0 {
		t.Errorf("nodes %v highlighted before any click", h)
	}
	// Click the copied event_duplicate_url of traffic-manager-2 (on an
	// edge), then a finding of gw-1 (on the node only).
	for _, tc := range []struct{ rule, node string }{
		{"event-duplicate-url", "n_traffic_manager_2"},
		{"gateway-id-unique", "n_gw_1"},
	} {
		sel := fmt.Sprintf(`li.finding[data-rule=%q][data-node=%q] .pos`, tc.rule, tc.node)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
		if h := highlighted(); len(h) != 1 || h[0] != "node-"+tc.node {
			t.Errorf("after clicking the %s finding of %s, highlighted nodes are %v, want [node-%s]", tc.rule, tc.node, h, tc.node)
		}
		edges, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".edge.highlight").length`))
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: 1, false: 0}[tc.rule == "event-duplicate-url"]; edges != want {
			t.Errorf("after clicking the %s finding, %d edges highlighted, want %d", tc.rule, edges, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser reported: %s", p)
	}
	for _, r := range requests {
		if r != url {
			t.Errorf("the page requested %s; it must load nothing", r)
		}
	}
}

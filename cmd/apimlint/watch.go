package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/lint/report"
	"github.com/apimlint/apimlint/watch"
)

func init() {
	addCommand(&command{name: "watch", usage: "[flags] PATH", summary: "re-lint on every change, print new and resolved findings", run: runWatch})
}

// watchContext is where the watch command takes its lifetime from; tests
// replace it. By default SIGINT and SIGTERM end the watch cleanly.
var watchContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func runWatch(env *cliEnv, args []string) int {
	fs := newFlagSet(env, "watch", "[flags] PATH")
	format := fs.String("format", "text", "text or jsonl (one JSON event per line)")
	config := fs.String("config", "", "fleet config file (default: PATH/.apimlint.toml when present)")
	var ruleIDs stringList
	fs.Var(&ruleIDs, "rule", "run only this rule; repeatable or comma-separated")
	debounce := fs.Duration("debounce", watch.DefaultDebounce, "quiet time after a change before re-linting")
	baseline := fs.String("baseline", "", "also report drift from the baseline `FILE` (see apimlint baseline)")
	listen := fs.String("listen", "", "serve /healthz and /metrics on `ADDR`, e.g. 127.0.0.1:9311")
	listenAny := fs.Bool("listen-any", false, "allow a --listen address that is not loopback")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(paths) != 1 {
		fs.Usage()
		return usageError(env, "watch needs one PATH: the fleet directory")
	}
	if paths[0] == "-" {
		return usageError(env, "watch needs a directory (of node files or of Kubernetes manifests); standard input cannot be watched: use lint -")
	}
	if *format != "text" && *format != "jsonl" {
		return usageError(env, "--format: unknown format %q (want text or jsonl)", *format)
	}
	if *debounce <= 0 {
		return usageError(env, "--debounce must be positive")
	}
	cf := commonFlags{ruleIDs: ruleIDs}
	rs, err := cf.selectedRules()
	if err != nil {
		return usageError(env, "--rule: %v", err)
	}
	opts := watch.Options{Root: paths[0], ConfigFile: *config, Rules: rs, Debounce: *debounce}
	if *baseline != "" {
		isEstate, err := estateWatchBaseline(env, *baseline, &opts)
		if err != nil {
			return usageError(env, "%v", err)
		}
		if !isEstate {
			if opts.Baseline, err = readBaseline(env, *baseline); err != nil {
				return usageError(env, "%v", err)
			}
		}
	}
	var metrics *watch.Metrics
	var ln net.Listener
	if *listen != "" {
		if err := watch.CheckListen(*listen, *listenAny); err != nil {
			return usageError(env, "--listen: %v", err)
		}
		if ln, err = net.Listen("tcp", *listen); err != nil {
			return usageError(env, "--listen: %v", err)
		}
		defer ln.Close()
		metrics = watch.NewMetrics()
	}
	p := &watchPrinter{env: env, jsonl: *format == "jsonl", root: paths[0]}
	opts.OnEvent = func(e watch.Event) {
		if metrics != nil {
			metrics.Observe(e)
		}
		p.print(e)
	}
	w, err := watch.New(opts)
	if err != nil {
		return usageError(env, "%v", err)
	}
	ctx, stop := watchContext()
	defer stop()
	var wg sync.WaitGroup
	if ln != nil {
		srv := &http.Server{Handler: metrics.Handler(), ReadHeaderTimeout: 5 * time.Second}
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fmt.Fprintf(env.stderr, "apimlint watch: metrics server: %v\n", err)
			}
		}()
		go func() {
			defer wg.Done()
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx) // a slow scrape is cut off at exit
		}()
	}
	err = w.Run(ctx)
	stop()
	wg.Wait()
	if p.err != nil {
		return usageError(env, "write: %v", p.err)
	}
	if err != nil {
		return usageError(env, "%v", err)
	}
	return exitOK
}

// watchPrinter writes events as text lines or JSON lines.
type watchPrinter struct {
	env   *cliEnv
	jsonl bool
	root  string
	err   error
}

func (p *watchPrinter) print(e watch.Event) {
	if p.err != nil {
		return
	}
	if p.jsonl {
		if e.Kind == watch.EventLint && e.Stats.Fleets == 0 {
			return
		}
		line := map[string]any{"time": e.Time.UTC().Format(time.RFC3339Nano), "event": e.Kind}
		switch e.Kind {
		case watch.EventNew, watch.EventResolved:
			line["finding"] = e.Finding
		case watch.EventLint: // a tree of fleets: which fleets were linted again
			line["fleets"] = e.Stats.Fleets
			line["relinted"] = relintedNames(e.Stats)
			line["summary"] = e.Stats.Summary
		case watch.EventState:
			line["root"] = p.root
			if e.Stats.Fleets > 0 {
				line["fleets"] = e.Stats.Fleets
			}
			line["nodes"] = e.Stats.Nodes
			line["summary"] = e.Stats.Summary
			findings := e.Stats.Findings
			if findings == nil {
				findings = []lint.Finding{} // consumers get an array, never null
			}
			line["findings"] = findings
		case watch.EventError:
			line["message"] = e.Message
			if e.RootLost {
				line["rootLost"] = true
			}
		}
		b, err := json.Marshal(line)
		if err != nil {
			p.err = err
			return
		}
		_, p.err = fmt.Fprintf(p.env.stdout, "%s\n", b)
		return
	}
	switch e.Kind {
	case watch.EventState:
		s := e.Stats.Summary
		fleets := ""
		if e.Stats.Fleets > 0 {
			fleets = fmt.Sprintf(" in %d fleets", e.Stats.Fleets)
		}
		_, p.err = fmt.Fprintf(p.env.stdout, "%s watching %s: %d nodes%s, %d errors, %d warnings, %d info\n",
			e.Time.Format(time.TimeOnly), report.TerminalSafe(p.root), e.Stats.Nodes, fleets, s.Error, s.Warning, s.Info)
	case watch.EventLint:
		if e.Stats.Fleets > 0 {
			_, p.err = fmt.Fprintf(p.env.stdout, "%s relinted %s\n", e.Time.Format(time.TimeOnly), report.TerminalSafe(relintedText(e.Stats)))
		}
	case watch.EventNew, watch.EventResolved:
		f := e.Finding
		_, p.err = fmt.Fprintf(p.env.stdout, "%s %-8s %s:%d:%d: %s: %s (%s)\n",
			e.Time.Format(time.TimeOnly), e.Kind, report.TerminalSafe(f.File), f.Line, f.Column, f.Severity, report.TerminalSafe(f.Message), f.Rule)
	case watch.EventError:
		fmt.Fprintf(p.env.stderr, "apimlint watch: %s\n", report.TerminalSafe(e.Message))
	}
}

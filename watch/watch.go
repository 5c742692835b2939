// Package watch keeps a fleet linted while its files change: it watches
// the fleet directory recursively with fsnotify, debounces bursts, re-reads
// only the files that changed, re-runs the rules on the cached nodes and
// reports the findings that appeared and those that were resolved.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/lint"
)

// DefaultDebounce is how long the watcher waits after the last change of
// a burst before it re-lints.
const DefaultDebounce = 200 * time.Millisecond

// Options configure a Watcher.
type Options struct {
	// Root is the fleet directory.
	Root string
	// ConfigFile is the fleet config; Root/.apimlint.toml when empty. Only
	// the config at the root is watched for changes.
	ConfigFile string
	// Rules run on every lint (the CLI passes rules.All()).
	Rules []*lint.Rule
	// Debounce is the quiet time after a change before re-linting
	// (DefaultDebounce when 0).
	Debounce time.Duration
	// Baseline, when set, adds baseline-drift findings to every lint.
	Baseline *drift.Baseline
	// EstateBaseline, when set, is the record of every fleet of a tree that
	// splits (drift.ParseEstate): each fleet is compared with its own
	// record, as `apimlint drift` does (estate.go). BaselineKey is the key
	// its secrets were recorded under; BaselineFile names it in findings.
	EstateBaseline *drift.EstateBaseline
	BaselineKey    *drift.Key
	BaselineFile   string
	// OnEvent receives every event, in order, from Run's goroutine.
	OnEvent func(Event)
	// Poll is how often the watcher looks for its root when the root is
	// gone (DefaultPoll when 0).
	Poll time.Duration
}

// DefaultPoll is how often a watcher whose root was deleted looks for it.
const DefaultPoll = time.Second

// FinalLintTimeout bounds the lint of a change still pending when the
// watcher is told to stop: the last state is reported, but a stop is not
// held up by a slow lint.
const FinalLintTimeout = 2 * time.Second

// EventKind says what an Event reports.
type EventKind string

// The events a Watcher sends.
const (
	// EventState is sent once, after the first lint: the initial state.
	EventState EventKind = "state"
	// EventNew is a finding that was not there at the previous lint.
	EventNew EventKind = "new"
	// EventResolved is a finding that is gone.
	EventResolved EventKind = "resolved"
	// EventLint closes every lint after the first, with its statistics.
	EventLint EventKind = "lint"
	// EventError is a problem that does not stop watching (an unreadable
	// file keeps its last state until it can be read again).
	EventError EventKind = "error"
)

// Event is one thing the watcher reports.
type Event struct {
	Time    time.Time     `json:"time"`
	Kind    EventKind     `json:"event"`
	Finding *lint.Finding `json:"finding,omitempty"`
	Stats   *Stats        `json:"stats,omitempty"`
	Message string        `json:"message,omitempty"`
	// RootLost is set on the error sent when the fleet directory can no
	// longer be seen (deleted, renamed away): the watcher reports nothing
	// until it is back, and is not healthy meanwhile.
	RootLost bool `json:"rootLost,omitempty"`
}

// Stats describe one lint.
type Stats struct {
	Nodes   int          `json:"nodes"`
	Summary lint.Summary `json:"summary"`
	// Reread is how many files were read for this lint.
	Reread int `json:"reread"`
	// Duration is the time from the end of the debounce to the findings.
	Duration  time.Duration `json:"duration"`
	DriftKeys int           `json:"driftKeys"`
	// Findings are every current finding (EventState only).
	Findings []lint.Finding `json:"findings,omitempty"`
	// ByRule counts the current findings per rule and severity.
	ByRule map[string]map[string]int `json:"-"`
	// Fleets is how many fleets the tree holds when it splits (0: the
	// tree is one fleet); Relinted names the fleets this lint ran on
	// (every fleet at the first lint, then those a change touched).
	Fleets   int      `json:"fleets,omitempty"`
	Relinted []string `json:"relinted,omitempty"`
	// Discovered is set when the tree of fleets was discovered again for
	// this lint (every node file read for its evidence); an edit that
	// changes nothing discovery reads re-lints its fleet without.
	Discovered bool `json:"discovered,omitempty"`
}

// Watcher lints a fleet directory on every change.
type Watcher struct {
	opts    Options
	cfgFile string
	loader  *lint.Loader

	fsw    *fsnotify.Watcher
	dirs   map[string]bool // watched directories
	dirty  map[string]bool // node files to read again
	full   bool            // re-read the config and re-parse everything (config changed, events lost)
	rescan bool            // walk the fleet again (a directory appeared)
	lost   bool            // the root cannot be seen
	prev   map[string][]lint.Finding

	// The tree as an estate (estate.go): est is set while it splits.
	est        *estateState
	touched    map[string]bool // configs below the root that changed
	structural bool            // a change that may change the split
	manifests  bool            // the root holds Kubernetes manifests (manifests.go)
}

// armedHook, when set (by tests), is called whenever a lint is scheduled.
var armedHook func()

// New checks the options; Run does the work.
func New(opts Options) (*Watcher, error) {
	if opts.Root == "" {
		return nil, errors.New("watch: no fleet directory")
	}
	// fsnotify and filepath.Join name files from the clean root.
	opts.Root = filepath.Clean(opts.Root)
	if opts.ConfigFile != "" {
		opts.ConfigFile = filepath.Clean(opts.ConfigFile)
	}
	st, err := os.Stat(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("watch: %s is not a directory", opts.Root)
	}
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.OnEvent == nil {
		opts.OnEvent = func(Event) {}
	}
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	w := &Watcher{opts: opts, loader: lint.NewLoader(opts.Root, opts.ConfigFile)}
	w.cfgFile = w.loader.ConfigFile()
	w.manifests = lint.IsManifestInput([]string{opts.Root})
	return w, nil
}

// Run lints the fleet, sends the initial state, then watches until ctx is
// done. It returns nil when ctx ends, or the error that made watching
// impossible (the fleet config cannot be read, no more watches).
func (w *Watcher) Run(ctx context.Context) error {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer fsw.Close()
	w.fsw = fsw
	w.dirs = map[string]bool{}
	w.dirty = map[string]bool{}
	w.touched = map[string]bool{}
	w.full = true
	if err := w.lint(ctx, true); err != nil {
		return err
	}
	var timer *time.Timer
	var fire <-chan time.Time
	var poll *time.Ticker
	var pollC <-chan time.Time
	defer func() {
		if timer != nil {
			timer.Stop()
		}
		if poll != nil {
			poll.Stop()
		}
	}()
	arm := func() {
		if timer == nil {
			timer = time.NewTimer(w.opts.Debounce)
		} else {
			timer.Reset(w.opts.Debounce)
		}
		fire = timer.C
		if armedHook != nil {
			armedHook()
		}
	}
	// relint runs a lint and, when it finds the root gone, starts polling
	// for it.
	relint := func(ctx context.Context) error {
		err := w.safeLint(ctx)
		if w.lost && poll == nil {
			poll = time.NewTicker(w.opts.Poll)
			pollC = poll.C
		}
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return w.finish(fire != nil)
		case ev, ok := <-fsw.Events:
			if !ok {
				return errors.New("watch: file watcher closed")
			}
			if w.handle(ev) {
				arm()
			}
		case err, ok := <-fsw.Errors:
			if !ok {
				return errors.New("watch: file watcher closed")
			}
			// Lost events (queue overflow): the only safe answer is a rescan.
			w.emit(Event{Kind: EventError, Message: fmt.Sprintf("file watcher: %v; rescanning the fleet", err)})
			w.full = true
			arm()
		case <-pollC:
			if st, err := os.Stat(w.opts.Root); err == nil && st.IsDir() {
				poll.Stop()
				poll, pollC = nil, nil
				w.full = true
				arm()
			}
		case <-fire:
			fire = nil
			if err := relint(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
		}
	}
}

// finish ends Run: a change still waiting for its debounce is linted,
// within FinalLintTimeout, so that the last state is reported (a SIGTERM
// in the quiet time must not lose it). Events already queued count too.
func (w *Watcher) finish(pending bool) error {
	for drained := false; !drained; {
		select {
		case ev, ok := <-w.fsw.Events:
			if !ok {
				drained = true
			} else if w.handle(ev) {
				pending = true
			}
		default:
			drained = true
		}
	}
	if !pending || w.lost {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), FinalLintTimeout)
	defer cancel()
	_ = w.safeLint(ctx) // a final lint cut short reports nothing, and that is all
	return nil
}

// safeLint is lint, with a panic turned into an error event: one file
// that trips a bug must not take the daemon down. The previous findings
// stay the state.
func (w *Watcher) safeLint(ctx context.Context) (err error) {
	defer func() {
		if e := recover(); e != nil {
			w.emit(Event{Kind: EventError, Message: fmt.Sprintf("internal error while linting (please report it): %v; keeping the last state", e)})
			w.full = true // start afresh at the next change
			err = nil
		}
	}()
	return w.lint(ctx, false)
}

func (w *Watcher) emit(e Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	w.opts.OnEvent(e)
}

// rel returns p relative to the root, slash-separated, and whether it is
// inside the root.
func (w *Watcher) rel(p string) (string, bool) {
	r, err := filepath.Rel(w.opts.Root, p)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// hidden reports whether a path below the root goes through a directory
// lint skips (.git, .idea, editors' dot directories).
func hidden(rel string) bool {
	segs := strings.Split(rel, "/")
	for _, s := range segs[:len(segs)-1] {
		if strings.HasPrefix(s, ".") && s != "." {
			return true
		}
	}
	return false
}

// handle records what an fsnotify event means and reports whether a lint
// is due.
func (w *Watcher) handle(ev fsnotify.Event) bool {
	if ev.Name == w.opts.Root {
		if !ev.Has(fsnotify.Remove) && !ev.Has(fsnotify.Rename) {
			return false
		}
		// The root itself was removed or renamed away. Its watches are
		// dead or follow the old directory: start again from the name,
		// whether lint finds it gone or already recreated.
		for d := range w.dirs {
			_ = w.fsw.Remove(d)
		}
		clear(w.dirs)
		w.full = true
		return true
	}
	rel, ok := w.rel(ev.Name)
	if !ok {
		return false
	}
	if ev.Name == w.cfgFile || (rel == lint.ConfigFileName && w.opts.ConfigFile == "") {
		w.full = true
		return true
	}
	base := path.Base(rel)
	if rel == "." || hidden(rel) || (strings.HasPrefix(base, ".") && base != lint.ConfigFileName) {
		// A mounted ConfigMap swaps its ..data link; the node file links
		// through it and gets no event of its own.
		if w.linkedThrough(filepath.Dir(ev.Name)) {
			return true
		}
		// Editors' swap and temporary files; their rename onto the node
		// file arrives as an event on the node file itself.
		if !ev.Has(fsnotify.Remove) && !ev.Has(fsnotify.Rename) {
			return false
		}
	}
	due := false
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		// A directory that went away takes its nodes and watches with it.
		if w.forgetDir(ev.Name) {
			due = true
		}
	}
	if ev.Has(fsnotify.Create) {
		if st, err := os.Stat(ev.Name); err == nil && st.IsDir() && !strings.HasPrefix(base, ".") {
			// A new directory, or a link to one: walk the fleet again as
			// lint would (aliases, loops).
			w.rescan = true
			due = true
		}
	}
	if base == lint.NodeFileName {
		w.dirty[ev.Name] = true
		due = true
	}
	if lint.IsManifestPath(base) && (w.manifests || w.est == nil && len(w.loader.Files()) == 0) {
		due = true // a manifest, or maybe the first of a directory of them
	}
	if base == lint.ConfigFileName {
		// A fleet's own config below the root: it may split the tree.
		w.touched[ev.Name] = true
		w.structural = true
		due = true
	}
	return due
}

// linkedThrough marks dirty the node file and fleet config of a watched
// directory when they are symlinks (a Kubernetes ConfigMap mount:
// deployment.toml -> ..data/deployment.toml, with ..data swapped
// atomically on every update), and reports whether there was one.
func (w *Watcher) linkedThrough(dir string) bool {
	if !w.dirs[dir] {
		return false
	}
	found := false
	if p := filepath.Join(dir, lint.NodeFileName); isSymlink(p) || (w.loader.Has(p) && !exists(p)) {
		w.dirty[p] = true
		found = true
	}
	if p := filepath.Join(dir, lint.ConfigFileName); p == w.cfgFile && isSymlink(p) {
		w.full = true
		found = true
	}
	return found
}

func isSymlink(p string) bool {
	st, err := os.Lstat(p)
	return err == nil && st.Mode()&fs.ModeSymlink != 0
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// forgetDir drops the watches and marks the nodes below a directory that
// was removed or renamed away; it reports whether there was any.
func (w *Watcher) forgetDir(dir string) bool {
	found := false
	prefix := dir + string(filepath.Separator)
	for d := range w.dirs {
		if d == dir || strings.HasPrefix(d, prefix) {
			delete(w.dirs, d)
			// Already gone with the directory when it was removed; a
			// renamed directory keeps its watch under the old name.
			_ = w.fsw.Remove(d)
			found = true
		}
	}
	for _, p := range w.loader.Files() {
		if strings.HasPrefix(p, prefix) {
			w.dirty[p] = true
			found = true
		}
	}
	return found
}

// scan walks the fleet as lint does, watches every directory lint reads
// (symlinked ones under their link's name) and no other, and marks every
// node file found: it may have been written before the watch was in place.
// The watches come first, so nothing written after is missed.
func (w *Watcher) scan() error {
	tree, err := w.loader.Scan()
	if err != nil {
		return err
	}
	want := make(map[string]bool, len(tree.Dirs))
	for _, d := range tree.Dirs {
		want[d] = true
		if w.dirs[d] {
			continue
		}
		if err := w.fsw.Add(d); err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				w.emit(Event{Kind: EventError, Message: fmt.Sprintf("cannot watch %s: %v", d, err)})
			}
			continue
		}
		w.dirs[d] = true
	}
	for d := range w.dirs {
		if !want[d] {
			delete(w.dirs, d)
			_ = w.fsw.Remove(d)
		}
	}
	// Files lint no longer reads (removed, or now an alias) are dropped by
	// Scan; a file still held under another name is re-read below.
	for _, f := range tree.Files {
		w.dirty[f.Path] = true
	}
	return nil
}

// rootGone checks the root and, when it cannot be seen, drops every watch
// and reports it once. Nothing is linted meanwhile: an empty fleet would
// report every finding resolved.
func (w *Watcher) rootGone() bool {
	st, err := os.Stat(w.opts.Root)
	if err == nil && st.IsDir() {
		return false
	}
	if !w.lost {
		w.lost = true
		why := "it is not a directory"
		if err != nil {
			why = err.Error()
		}
		w.emit(Event{Kind: EventError, RootLost: true,
			Message: fmt.Sprintf("cannot see the fleet directory %s (%s); keeping the last state and waiting for it to come back", w.opts.Root, why)})
	}
	for d := range w.dirs {
		_ = w.fsw.Remove(d)
	}
	clear(w.dirs)
	clear(w.dirty)
	w.full = true
	return true
}

// lint re-reads the dirty files (everything on a full rescan), runs the
// rules over the cached nodes and reports what changed.
func (w *Watcher) lint(ctx context.Context, initial bool) error {
	start := time.Now()
	if !initial && w.rootGone() {
		return nil
	}
	w.lost = false
	if handled, err := w.lintTree(ctx, initial, start); handled {
		return err
	}
	// A full rescan parses every file again even when its bytes did not
	// change: the config decides roles, offsets and addresses.
	reparse := initial || w.full
	if w.full || w.rescan {
		if w.full {
			if err := w.loader.LoadConfig(); err != nil {
				if initial {
					return fmt.Errorf("watch: %w", err)
				}
				// A config being saved: keep the previous one until it reads.
				w.emit(Event{Kind: EventError, Message: err.Error()})
			}
		}
		w.full, w.rescan = false, false
		for _, p := range w.loader.Files() {
			w.dirty[p] = true
		}
		if err := w.scan(); err != nil {
			if initial {
				return fmt.Errorf("watch: %w", err)
			}
			w.emit(Event{Kind: EventError, Message: err.Error()})
		}
	}
	reread := 0
	for p := range w.dirty {
		delete(w.dirty, p)
		had := w.loader.Has(p)
		before := lint.DiscoveryEvidence(w.loader.Node(p))
		read, err := w.loader.Refresh(p, reparse)
		if !reparse && had && lint.DiscoveryEvidence(w.loader.Node(p)) != before {
			w.structural = true // the edit may split the tree (estate.go)
		}
		if read {
			reread++
		}
		if err != nil {
			state := "it is not linted"
			if had {
				state = "keeping its last state"
			}
			w.emit(Event{Kind: EventError, Message: fmt.Sprintf("cannot read %s: %v; %s until it can be read", p, errors.Unwrap(err), state)})
		}
	}
	if w.structural {
		if handled, err := w.lintTree(ctx, false, start); handled {
			return err
		}
	}
	fleet := w.loader.Fleet()
	rs := w.rulesFor(fleet)
	linter := lint.Linter{Rules: rs}
	res, err := linter.Run(ctx, fleet)
	if err != nil {
		return fmt.Errorf("watch: lint: %w", err)
	}
	stats := &Stats{Nodes: len(fleet.Nodes), Summary: res.Summary(), Reread: reread, Duration: time.Since(start)}
	w.report(initial, res.Findings, stats)
	return nil
}

// identity is what makes two findings the same across lints: not their
// line, so that adding a line above a problem does not report it resolved
// and new again.
func identity(f lint.Finding) string {
	return f.Fleet + "\x00" + f.Rule + "\x00" + f.Severity.String() + "\x00" + f.Node + "\x00" + f.File + "\x00" + f.Key + "\x00" + f.Message
}

func index(fs []lint.Finding) map[string][]lint.Finding {
	m := make(map[string][]lint.Finding, len(fs))
	for _, f := range fs {
		id := identity(f)
		m[id] = append(m[id], f)
	}
	return m
}

// changed returns the findings of a that b does not have (as many times
// as a has them more), sorted.
func changed(a, b map[string][]lint.Finding) []lint.Finding {
	var out []lint.Finding
	for id, fs := range a {
		if extra := len(fs) - len(b[id]); extra > 0 {
			out = append(out, fs[len(fs)-extra:]...)
		}
	}
	lint.SortFindings(out)
	return out
}

// rulesFor is the watcher's rules for a fleet, with the drift rule when
// a baseline is watched (its options from the fleet's config).
func (w *Watcher) rulesFor(fleet *lint.Fleet) []*lint.Rule {
	rs := w.opts.Rules
	if w.opts.Baseline != nil {
		dopts, err := drift.OptionsFromConfig(fleet.Config)
		if err != nil {
			w.emit(Event{Kind: EventError, Message: fmt.Sprintf("%s: %v", w.cfgFile, err)})
		}
		rs = append(slices.Clip(rs), drift.RuleFor(w.opts.Baseline, dopts))
	}
	return rs
}

package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/probe"
)

func init() {
	addCommand(&command{name: "probe", usage: "[flags] PATH...", summary: "dial the endpoints the fleet names: reachability, TLS certificates", run: runProbe})
	addExtraRules("probe", probe.Rules...)
}

// probeFlags are the flags of `apimlint probe` beyond the common ones.
type probeFlags struct {
	timeout, deadline time.Duration
	parallel          int
	only, skip        stringList
	from, ca          string
	insecure          bool
	loopback          bool
	list, verbose     bool
}

func runProbe(env *cliEnv, args []string) int {
	fs := newFlagSet(env, "probe", "[flags] PATH...")
	var cf commonFlags
	cf.register(fs, "error")
	var pf probeFlags
	fs.DurationVar(&pf.timeout, "timeout", probe.DefaultTimeout, "time allowed to each endpoint: connect plus TLS handshake")
	fs.DurationVar(&pf.deadline, "deadline", time.Minute, "total time allowed; endpoints not probed by then are reported as skipped")
	fs.IntVar(&pf.parallel, "parallel", probe.DefaultParallel, "endpoints probed at once")
	fs.Var(&pf.only, "only", "probe only these hosts (HOST or HOST:PORT); repeatable or comma-separated")
	fs.Var(&pf.skip, "skip", "do not probe these hosts (HOST or HOST:PORT); repeatable or comma-separated")
	fs.StringVar(&pf.from, "from", "", "probe only the endpoints node `NODE` names, including its localhost URLs: run it on that node")
	fs.StringVar(&pf.ca, "ca", "", "verify certificate chains against the PEM certificates in `FILE` (default: the system trust store)")
	fs.BoolVar(&pf.insecure, "insecure-skip-verify", false, "report untrusted chains at info severity only (host names and expiry are still checked)")
	fs.BoolVar(&pf.loopback, "loopback", false, "dial localhost URLs from this machine (implied by --from)")
	fs.BoolVar(&pf.list, "list", false, "list the endpoints that would be probed, and the skipped ones, without dialling anything")
	fs.BoolVar(&pf.verbose, "v", false, "print every probed endpoint and its certificate to stderr")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(paths) == 0 {
		fs.Usage()
		return usageError(env, "probe needs a PATH (a fleet directory or deployment.toml files)")
	}
	reporting, code := cf.reporting(env)
	if code != exitOK {
		return code
	}
	ruleSet, err := probeRuleSet(cf.ruleIDs)
	if err != nil {
		return usageError(env, "--rule: %v", err)
	}
	if pf.timeout <= 0 || pf.deadline <= 0 || pf.parallel <= 0 {
		return usageError(env, "--timeout, --deadline and --parallel must be positive")
	}
	opts := probe.Options{
		Timeout: pf.timeout, Deadline: pf.deadline, Parallel: pf.parallel,
		Only: splitList(pf.only), Skip: splitList(pf.skip), From: pf.from,
		IncludeLoopback: pf.loopback, InsecureSkipVerify: pf.insecure,
	}
	if pf.ca != "" {
		pool, err := readCA(pf.ca)
		if err != nil {
			return usageError(env, "--ca: %v", err)
		}
		opts.RootCAs, opts.TrustName = pool, "--ca "+pf.ca
	}
	manifests := lint.IsManifestInput(paths) // one fleet, as lint takes them
	if estate, err := discoverEstate(paths, cf.config, nil, nil); err != nil {
		return usageError(env, "%v", err)
	} else if estate != nil && estate.Split && !manifests {
		return probeEstate(env, &cf, reporting, estate, opts, pf, ruleSet)
	}
	fleet, err := loadLintPaths(paths, lint.LoadOptions{ConfigFile: cf.config})
	if err != nil {
		return usageError(env, "%v", err)
	}
	if pf.list {
		targets, skipped, err := probe.Collect(fleet, opts)
		if err != nil {
			return usageError(env, "%v", err)
		}
		if err := listEndpoints(env.stdout, fleet.Manifests, targets, skipped); err != nil {
			return usageError(env, "%v", err)
		}
		return exitOK
	}
	start := time.Now()
	rep, err := probe.Check(context.Background(), fleet, opts)
	incomplete := errors.Is(err, probe.ErrDeadline)
	if err != nil && !incomplete {
		return usageError(env, "%v", err)
	}
	findings := rep.Findings[:0]
	for _, f := range rep.Findings {
		if ruleSet[f.Rule] {
			findings = append(findings, f)
		}
	}
	if pf.verbose {
		printResults(env.stderr, rep.Results)
	}
	if !cf.quiet || incomplete {
		printSkipped(env.stderr, fleet.Manifests, rep, time.Since(start))
	}
	if incomplete {
		fmt.Fprintf(env.stderr, "apimlint: %v (raise --deadline or --parallel)\n", err)
	}
	linter := lint.Linter{Rules: probe.Rules}
	res, err := linter.Process(context.Background(), fleet, findings)
	if err != nil {
		return usageError(env, "%v", err)
	}
	return cf.report(env, reporting, res, incomplete)
}

// probeRuleSet turns --rule into the set of probe rule IDs to report.
func probeRuleSet(ids stringList) (map[string]bool, error) {
	set := map[string]bool{}
	known := map[string]bool{}
	var names []string
	for _, r := range probe.Rules {
		known[r.ID] = true
		names = append(names, r.ID)
	}
	for _, id := range splitList(ids) {
		if !known[id] {
			return nil, fmt.Errorf("unknown probe rule %q (want %s)", id, strings.Join(names, ", "))
		}
		set[id] = true
	}
	if len(set) == 0 {
		return known, nil
	}
	return set, nil
}

func splitList(l stringList) []string {
	var out []string
	for _, s := range l {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func readCA(file string) (*x509.CertPool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return pool, nil
}

// usesText names the nodes and keys that name an endpoint; lines of nodes
// made from ConfigMaps are the manifest's (m nil: no manifests).
func usesText(us []probe.Use, m *lint.Manifests) string {
	var parts []string
	for _, u := range us {
		parts = append(parts, fmt.Sprintf("%s:%d (%s)", u.Node.Name, m.ManifestPosition(u.Pos()).Line, u.Key.Path))
	}
	return strings.Join(parts, ", ")
}

func listEndpoints(w io.Writer, m *lint.Manifests, targets []*probe.Target, skipped []*probe.Skipped) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENDPOINT\tCHECK\tNAMED BY")
	for _, t := range targets {
		check := "connect"
		if t.TLS {
			check = "connect+tls"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.URL, check, usesText(t.Uses, m))
	}
	for _, s := range skipped {
		fmt.Fprintf(tw, "%s\tskipped: %s\t%s\n", s.URL, s.Reason, usesText(s.Uses, m))
	}
	return tw.Flush()
}

func printResults(w io.Writer, results []*probe.Result) {
	for _, r := range results {
		status := "ok"
		if r.Err != nil {
			status = "FAIL " + r.Reason
		}
		fmt.Fprintf(w, "probe: %s  %s  %s\n", r.Target.URL, r.Elapsed.Round(time.Millisecond), status)
		if len(r.Chain) > 0 {
			leaf := r.Chain[0]
			fmt.Fprintf(w, "    certificate: %s; issuer %s; valid %s to %s\n", probe.Describe(leaf), leaf.Issuer,
				leaf.NotBefore.UTC().Format("2006-01-02"), leaf.NotAfter.UTC().Format("2006-01-02"))
		}
	}
}

func printSkipped(w io.Writer, m *lint.Manifests, rep *probe.Report, elapsed time.Duration) {
	failed := 0
	for _, r := range rep.Results {
		if r.Err != nil {
			failed++
		}
	}
	noun := "endpoints"
	if len(rep.Results) == 1 {
		noun = "endpoint"
	}
	fmt.Fprintf(w, "probed %d %s in %s (%d unreachable), skipped %d\n", len(rep.Results), noun, elapsed.Round(time.Millisecond), failed, len(rep.Skipped))
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "  skipped %s: %s; named by %s\n", s.URL, s.Reason, usesText(s.Uses, m))
	}
}

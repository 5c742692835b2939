package rules_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// A mistake repeated across a generated fleet: each once made one rule
// (or the engine under every rule) quadratic in the nodes, or made its
// findings list every node. mutate rewrites one generated file; extra
// files (a config, key managers) are added to the fleet.
type scalingCase struct {
	name   string
	shape  func(int) fleetgen.Spec
	mutate func(path string, data []byte) []byte
	extra  map[string]string
}

func gatewayFile(path string) bool { return strings.HasPrefix(path, "apim-gw-") }

// everyFifth picks two gateways in five: a large minority.
func twoInFive(path string) bool {
	if !gatewayFile(path) {
		return false
	}
	i, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path, "apim-gw-"), "/deployment.toml"))
	return i%5 < 2
}

func replaceIn(pick func(string) bool, re *regexp.Regexp, with string) func(string, []byte) []byte {
	return func(path string, d []byte) []byte {
		if !pick(path) {
			return d
		}
		return re.ReplaceAll(d, []byte(with))
	}
}

var secretLine = regexp.MustCompile(`(?m)^(admin_password|shared_db_password|apim_db_password|keystore_password|truststore_password|encryption_key) = "[^"]*"`)

var scalingCases = []scalingCase{
	{name: "clean", shape: fleetgen.Sized},
	{name: "clean-wide", shape: fleetgen.Wide},
	// cipher-tool output differs on every node: as many secrets as nodes.
	{name: "per-node-secrets", shape: fleetgen.Wide, mutate: func(path string, d []byte) []byte {
		return secretLine.ReplaceAllFunc(d, func(m []byte) []byte {
			sum := sha256.Sum256(append([]byte(path), m...))
			k, _, _ := strings.Cut(string(m), " =")
			return []byte(k + ` = "` + base64.StdEncoding.EncodeToString(append(sum[:], sum[:]...)) + `"`)
		})
	}},
	{name: "control-plane-load-balancer", shape: fleetgen.Wide,
		mutate: replaceIn(gatewayFile, regexp.MustCompile(`https://apim-cp-\d+:9443/services/`), "https://cp-lb.apim.internal/services/"),
		extra:  map[string]string{".apimlint.toml": "[[loadbalancer]]\nhost = \"cp-lb.apim.internal\"\nrole = \"control-plane\"\n"}},
	{name: "gateways-share-a-hostname", shape: fleetgen.Sized, mutate: func(path string, d []byte) []byte {
		if !gatewayFile(path) {
			return d
		}
		d = regexp.MustCompile(`(?m)^hostname = "apim-gw-\d+"`).ReplaceAll(d, []byte(`hostname = "gw.apim.internal"`))
		return regexp.MustCompile(`(?m)^throttle_decision_endpoints = .*$`).ReplaceAll(d, []byte(`throttle_decision_endpoints = ["tcp://localhost:5999"]`))
	}},
	{name: "no-gateway-id", shape: fleetgen.Wide, mutate: replaceIn(gatewayFile, regexp.MustCompile(`(?m)^gateway_id = .*$`), "")},
	{name: "no-event-listening-endpoints", shape: fleetgen.Wide, mutate: replaceIn(gatewayFile, regexp.MustCompile(`(?m)^event_listening_endpoints = .*$`), "")},
	{name: "drifted-minority", shape: fleetgen.Sized, mutate: func(path string, d []byte) []byte {
		if !twoInFive(path) {
			return d
		}
		return append(d, "\n[apim.analytics]\nenable = true\nproperties.x = 1\n"...)
	}},
	{name: "key-manager-user-literal", shape: fleetgen.Sized, mutate: func(path string, d []byte) []byte {
		if !gatewayFile(path) {
			return d
		}
		s := string(d)
		i := strings.Index(s, "[apim.key_manager]")
		return []byte(s[:i] + strings.Replace(s[i:], `username = "$ref{super_admin.username}"`, `username = "kmadmin"`, 1))
	}},
	{name: "keystore-alias-minority", shape: fleetgen.Sized, mutate: replaceIn(twoInFive, regexp.MustCompile(`alias = "apim-primary"`), `alias = "other"`)},
	{name: "encryption-key-minority", shape: fleetgen.Sized, mutate: replaceIn(twoInFive, regexp.MustCompile(`\[encryption\]\nkey = "\$secret\{encryption_key\}"\n`), "")},
	{name: "embedded-h2-control-planes", shape: fleetgen.Wide, mutate: replaceIn(func(p string) bool { return strings.HasPrefix(p, "apim-cp-") },
		regexp.MustCompile(`\[database.apim_db\]\ntype = "mysql"`), "[database.apim_db]\ntype = \"h2\"")},
	{name: "unknown-traffic-manager", shape: fleetgen.Wide, mutate: replaceIn(gatewayFile, regexp.MustCompile(`(?m)^throttle_decision_endpoints = .*$`), `throttle_decision_endpoints = ["ssl://apim-tm-99999:8672"]`)},
	{name: "sandbox-gateways", shape: fleetgen.Wide, mutate: replaceIn(gatewayFile, regexp.MustCompile(`(?m)^hostname = "apim-gw-(\d+)"`), `hostname = "apim-gw-sandbox-$1"`)},
	{name: "no-event-duplicate-url", shape: fleetgen.Wide, mutate: func(_ string, d []byte) []byte {
		return regexp.MustCompile(`(?m)^event_duplicate_url = .*$`).ReplaceAll(d, nil)
	}},
}

func (c scalingCase) fleet(tb testing.TB, n int) *lint.Fleet {
	tb.Helper()
	files := map[string][]byte{}
	for _, f := range fleetgen.Generate(c.shape(n)) {
		d := f.Data
		if c.mutate != nil {
			d = c.mutate(f.Path, d)
		}
		files[f.Path] = d
	}
	for p, d := range c.extra {
		files[p] = []byte(d)
	}
	f, err := lint.LoadFiles(".", files, lint.LoadOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// outputShape is what must not grow faster than the fleet: how many
// findings, and the longest message and related list of any one.
type outputShape struct{ findings, bytes, longestMessage, mostRelated int }

func shapeOf(fs []lint.Finding) outputShape {
	var s outputShape
	for _, f := range fs {
		s.findings++
		s.bytes += len(f.Message)
		s.longestMessage = max(s.longestMessage, len(f.Message))
		s.mostRelated = max(s.mostRelated, len(f.Related))
		for _, r := range f.Related {
			s.bytes += len(r.Message)
		}
	}
	return s
}

// Output grows linearly with the nodes: four times the fleet gives at most
// about four times the findings and text, and no finding's message or
// related list grows with the fleet (they are capped, with a count).
func TestOutputGrowsLinearly(t *testing.T) {
	if testing.Short() {
		t.Skip("generates fleets of 1,200 nodes")
	}
	for _, c := range scalingCases {
		t.Run(c.name, func(t *testing.T) {
			small, err := lint.Run(context.Background(), c.fleet(t, 300), rules.All(), lint.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			big, err := lint.Run(context.Background(), c.fleet(t, 1200), rules.All(), lint.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			s, b := shapeOf(small.Findings), shapeOf(big.Findings)
			// Linear is 4× (a little more as host names gain digits);
			// one finding per pair of nodes would be 16×.
			if 2*b.findings > 9*s.findings+8 || 2*b.bytes > 9*s.bytes+4096 {
				t.Errorf("300 → 1,200 nodes: findings %d → %d, bytes %d → %d: more than linear", s.findings, b.findings, s.bytes, b.bytes)
			}
			// Host names grow by a digit or two; a list of nodes grows by hundreds.
			if b.longestMessage > s.longestMessage+64 || b.mostRelated > s.mostRelated {
				t.Errorf("300 → 1,200 nodes: longest message %d → %d bytes, most related %d → %d: a list grows with the fleet",
					s.longestMessage, b.longestMessage, s.mostRelated, b.mostRelated)
			}
		})
	}
}

// TestRulesScaleNearLinearly times every case at 1,000 and 4,000 nodes and
// fails when the lint grows more than 6× (linear is 4×; a rule that
// compares every pair of nodes grows 16×). Wall time: only when
// APIMLINT_SCALING=1, never in the default run.
func TestRulesScaleNearLinearly(t *testing.T) {
	if os.Getenv("APIMLINT_SCALING") == "" {
		t.Skip("wall-clock budget: set APIMLINT_SCALING=1")
	}
	for _, c := range scalingCases {
		t.Run(c.name, func(t *testing.T) {
			small, big := bestLint(t, c.fleet(t, 1000)), bestLint(t, c.fleet(t, 4000))
			ratio := float64(big) / float64(small)
			t.Logf("1,000 nodes %v, 4,000 nodes %v: %.1f×", small, big, ratio)
			if ratio > 6 {
				t.Errorf("lint grew %.1f× for 4× the nodes", ratio)
			}
		})
	}
}

func bestLint(t *testing.T, f *lint.Fleet) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		if _, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		best = min(best, time.Since(start))
	}
	return best
}

// BenchmarkRulesScaling runs every rule on each case at 1,000 and 4,000
// nodes: compare the two sizes (linear is 4×).
func BenchmarkRulesScaling(b *testing.B) {
	for _, c := range scalingCases {
		for _, n := range []int{1000, 4000} {
			f := c.fleet(b, n)
			b.Run(fmt.Sprintf("%s/nodes=%d", c.name, n), func(b *testing.B) {
				for b.Loop() {
					if _, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

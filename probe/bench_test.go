package probe

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
)

// BenchmarkCollectCorpus measures collecting (not dialling) the endpoints
// of the largest real fleet.
func BenchmarkCollectCorpus(b *testing.B) {
	dir := filepath.Join(fleettest.CorpusDir(b), "fleets", "multidc-sim-4.2")
	f, err := lint.Load([]string{dir}, lint.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := Collect(f, Options{IncludeLoopback: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProbeLoopback probes 64 endpoints on loopback listeners (half
// plain, half TLS) with the default parallelism.
func BenchmarkProbeLoopback(b *testing.B) {
	var urls []string
	for i := range 64 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		scheme := "tcp"
		if i%2 == 1 {
			scheme = "ssl" // closed during the handshake: a handshake attempt per probe
		}
		urls = append(urls, fmt.Sprintf("%q", fmt.Sprintf("%s://127.0.0.1:%d", scheme, ln.Addr().(*net.TCPAddr).Port)))
	}
	src := "[apim.throttling]\nthrottle_decision_endpoints = [" + strings.Join(urls, ", ") + "]\n"
	f := fleetOf(b, map[string]string{"gw-1": src})
	for b.Loop() {
		rep, err := Check(context.Background(), f, Options{IncludeLoopback: true})
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Results) != 64 {
			b.Fatalf("%d results", len(rep.Results))
		}
	}
}

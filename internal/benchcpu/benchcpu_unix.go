//go:build unix

// Package benchcpu adds the process's CPU time per operation to
// benchmarks: on a shared machine it swings less with other load than
// wall time does.
package benchcpu

import (
	"syscall"
	"testing"
	"time"
)

// Now is the user and system time the process has used.
func Now() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Report adds cpu-ns/op to a benchmark, from the process CPU time since
// start (the benchmark must not run work in other goroutines).
func Report(b *testing.B, start time.Duration) {
	b.Helper()
	if b.N > 0 {
		b.ReportMetric(float64(Now()-start)/float64(b.N), "cpu-ns/op")
	}
}

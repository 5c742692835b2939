//go:build unix

package fleetversion

import (
	"syscall"
	"testing"
	"time"
)

// processCPU is the user and system time the process has used: on a
// shared machine it swings less with other load than wall time does.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ns/op to a benchmark, from the process CPU time
// since start (the benchmark must not run work in other goroutines).
func reportCPU(b *testing.B, start time.Duration) {
	b.Helper()
	if b.N > 0 {
		b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
	}
}

//go:build !unix

// Package benchcpu adds the process's CPU time per operation to
// benchmarks where the system reports it.
package benchcpu

import (
	"testing"
	"time"
)

// Now is zero where the process's CPU time is not known.
func Now() time.Duration { return 0 }

// Report adds nothing where the process's CPU time is not known.
func Report(*testing.B, time.Duration) {}

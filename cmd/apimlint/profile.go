package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profiles for performance reports: a user who finds apimlint slow on
// their estate can send these without a build of their own.
const (
	cpuProfileEnv = "APIMLINT_CPUPROFILE"
	memProfileEnv = "APIMLINT_MEMPROFILE"
)

// startProfiles starts the CPU profile that APIMLINT_CPUPROFILE names and
// returns what writes both profiles at exit. A profile that cannot be
// written is reported and otherwise ignored: it never changes the exit
// code of the lint.
func startProfiles(env *cliEnv) (stop func()) {
	var cpu *os.File
	if p := env.getenv(cpuProfileEnv); p != "" {
		f, err := os.Create(p)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(env.stderr, "apimlint: %s: %v\n", cpuProfileEnv, err)
		} else {
			cpu = f
		}
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				fmt.Fprintf(env.stderr, "apimlint: %s: %v\n", cpuProfileEnv, err)
			}
		}
		if p := env.getenv(memProfileEnv); p != "" {
			if err := writeHeapProfile(p); err != nil {
				fmt.Fprintf(env.stderr, "apimlint: %s: %v\n", memProfileEnv, err)
			}
		}
	}
}

// writeHeapProfile writes the allocations of the whole run (alloc_space
// shows who allocated most; inuse_space what was still held at exit).
func writeHeapProfile(p string) error {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

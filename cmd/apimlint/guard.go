package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// exitInternal is the exit code of an internal failure: a bug (a panic)
// or memory exhausted. It must never look like a usage error (2) or like
// findings (1).
const exitInternal = 3

// runGuarded runs a command and turns a panic into exit code 3 with a
// message, instead of a Go stack trace and exit code 2.
func runGuarded(env *cliEnv, args []string) (code int) {
	defer func() {
		if e := recover(); e != nil {
			fmt.Fprintf(env.stderr, "apimlint: internal error (please report it): %v\n%s", e, firstStackLines(debug.Stack(), 12))
			code = exitInternal
		}
	}()
	return run(env, args)
}

func firstStackLines(stack []byte, n int) string {
	lines := strings.SplitAfterN(string(stack), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "")
}

// memoryLimitEnv sets the memory apimlint may use, in bytes or with a
// KiB, MiB or GiB suffix. By default it is half the machine's memory.
const memoryLimitEnv = "APIMLINT_MAX_MEMORY"

// guardMemory makes running out of memory an exit with code 3 and a clear
// message rather than the runtime's fatal error (whose exit code, 2, reads
// as a usage error). The garbage collector is told the limit first, so it
// works harder before the guard gives up. Bounds on what a file may ask
// for keep apimlint far below it; this is the net under them.
func guardMemory(env *cliEnv) {
	limit, err := memoryLimit(env.getenv(memoryLimitEnv))
	if err != nil {
		fmt.Fprintf(env.stderr, "apimlint: %s: %v\n", memoryLimitEnv, err)
		os.Exit(exitUsage)
	}
	if limit == 0 {
		return
	}
	lowerSoftLimit(limit)
	go watchMemory(limit, 50*time.Millisecond, readMemory, func(used uint64) {
		fmt.Fprintf(env.stderr, "apimlint: internal error: memory use reached %d MiB, the limit (%s to change it); stopping\n", used>>20, memoryLimitEnv)
		os.Exit(exitInternal)
	})
}

// lowerSoftLimit tells the collector to work harder from 90% of limit on,
// unless a lower limit is set already: GOMEMLIMIT, which the runtime
// reads before main, was overridden by the default guard.
func lowerSoftLimit(limit uint64) {
	if soft := int64(min(limit, math.MaxInt64)) / 10 * 9; soft < debug.SetMemoryLimit(-1) {
		debug.SetMemoryLimit(soft)
	}
}

// watchMemory calls exceeded once the memory in use passes limit.
func watchMemory(limit uint64, every time.Duration, read func() uint64, exceeded func(uint64)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		if used := read(); used > limit {
			exceeded(used)
			return
		}
	}
}

func readMemory() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	total, released := s[0].Value.Uint64(), s[1].Value.Uint64()
	return total - min(released, total)
}

// memoryLimit reads APIMLINT_MAX_MEMORY; empty means half the machine's
// memory (0, no guard, where it cannot be known).
func memoryLimit(v string) (uint64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return physicalMemory() / 2, nil
	}
	mult := uint64(1)
	for suffix, m := range map[string]uint64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if n, ok := strings.CutSuffix(v, suffix); ok {
			v, mult = n, m
		}
	}
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%q is not a size (bytes, or a number with KiB, MiB or GiB)", v)
	}
	return n * mult, nil
}

// physicalMemory is the machine's memory (Linux), or 0.
func physicalMemory() uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

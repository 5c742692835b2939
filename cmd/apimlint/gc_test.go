package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// TestGCPolicy: a one-shot command starts with the collector off under a
// soft limit of firstCollectionAt; the first collection puts the steady
// percent and the guard's limit in force, including a percent an estate
// asked for before it. The watcher is left alone.
func TestGCPolicy(t *testing.T) {
	if gcPercent() < 0 {
		t.Skip("GOGC=off in the environment")
	}
	oldPercent, oldLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(1<<40)
	defer func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
		gcPolicy.tuned, gcPolicy.warm = false, false
	}()
	t.Setenv("GOGC", "")

	tuneGC([]string{"watch", "."})
	if gcPolicy.tuned || gcPercent() != 100 {
		t.Fatalf("watch changed the collector: percent %d", gcPercent())
	}

	tuneGC([]string{"lint", "."})
	if p, l := gcPercent(), debug.SetMemoryLimit(-1); p != -1 || l != firstCollectionAt {
		t.Fatalf("before the first collection: percent %d, limit %d; want off under %d", p, l, firstCollectionAt)
	}
	steadyGC(100)
	if p := gcPercent(); p != -1 {
		t.Fatalf("an estate's percent applied before the first collection: %d", p)
	}
	runtime.GC()
	deadline := time.Now().Add(time.Minute) // a hang, not a budget
	for {
		gcPolicy.mu.Lock()
		warm := gcPolicy.warm
		gcPolicy.mu.Unlock()
		if warm {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first collection never put the steady setting in force")
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if p, l := gcPercent(), debug.SetMemoryLimit(-1); p != 100 || l != 1<<40 {
		t.Fatalf("after the first collection: percent %d, limit %d; want 100 under the guard's 1 TiB", p, l)
	}
	steadyGC(150)
	if p := gcPercent(); p != 150 {
		t.Fatalf("steadyGC(150) once warm: percent %d", p)
	}
}

// TestHeadroom: a live heap under minGoal's reach is collected next at
// minGoal, a large one at 1.35 times itself, never above the steady
// percent.
func TestHeadroom(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live uint64
		most int
		want int
	}{
		{0, 200, 200},
		{8 * mib, 200, 200},  // 60 MiB would be 650%
		{40 * mib, 200, 50},  // 40 + 20 = 60
		{44 * mib, 200, 36},  // 44 + 16 = 60
		{45 * mib, 200, 35},  // 1.35 × 45 = 60.75: the percent wins
		{200 * mib, 200, 35}, // a large fleet
		{200 * mib, 20, 20},  // an estate's lower steady percent
		{40 * mib, 40, 40},   // capped
		{1 << 40, 200, 35},   // no overflow
	} {
		if got := headroom(c.live, c.most); got != c.want {
			t.Errorf("headroom(%d MiB, %d) = %d, want %d", c.live/mib, c.most, got, c.want)
		}
	}
}

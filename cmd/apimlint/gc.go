package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// firstCollectionAt is how much memory a one-shot command may hold before
// the collector first runs. Loading a fleet builds a model that lives to
// the end of the run; collecting while it grows re-marks it again and
// again (on 3,000 nodes, five collections during loading cost 6% of the
// run). Below this size nothing is collected; above it, the steady
// setting applies.
const firstCollectionAt = 64 << 20

// After the first collection, each collection sets the next one at the
// live heap plus headroom: headroomPercent of the live heap, or up to
// minGoal when that is more, and at most the steady percent. A fleet of a
// few thousand nodes (a model of 40 MiB) then collects two or three times
// a run and stays under 100 MiB; a large one, whose model dominates the
// process, is held to about 1.35 times its live heap. On 10,000 nodes that
// peaks at about 215 MiB where GOGC=200 reached 250, for 12–15% more
// time; the cost stays proportional to the fleet.
const (
	minGoal         = 60 << 20
	headroomPercent = 35
)

// gcPolicy is the collector setting of a one-shot command: off until the
// process holds firstCollectionAt, then headroom as above, at most GOGC=
// percent, under the guard's soft limit. Commands that release what they
// load as they go (an estate, fleet by fleet) ask for a lower percent.
// Anyone who sets GOGC, and the watcher, which runs for days, keep Go's
// defaults.
var gcPolicy struct {
	mu      sync.Mutex
	tuned   bool  // the policy is in force
	warm    bool  // the first collection has run
	percent int   // the most GOGC a collection sets
	limit   int64 // the steady soft limit
}

// gcSentinel is collected by the next collection, whose cleanup sets the
// percent for the one after. It holds a pointer so that the allocator
// never packs it with other objects (a packed tiny object may outlive its
// use).
type gcSentinel struct{ _ *int }

// tuneGC starts the policy; it runs after guardMemory, whose soft limit
// becomes the steady one.
func tuneGC(args []string) {
	if os.Getenv("GOGC") != "" || (len(args) > 0 && args[0] == "watch") {
		return
	}
	gcPolicy.mu.Lock()
	defer gcPolicy.mu.Unlock()
	gcPolicy.tuned, gcPolicy.percent = true, 200
	gcPolicy.limit = debug.SetMemoryLimit(-1)
	if gcPolicy.limit <= firstCollectionAt {
		// A guard limit this low: collect from the start, as steady.
		gcPolicy.warm = true
		debug.SetGCPercent(gcPolicy.percent)
	} else {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(firstCollectionAt)
	}
	armGC()
}

// armGC has the next collection call gcCollected.
func armGC() {
	runtime.AddCleanup(&gcSentinel{}, func(struct{}) { gcCollected() }, struct{}{})
}

func gcCollected() {
	gcPolicy.mu.Lock()
	defer gcPolicy.mu.Unlock()
	if !gcPolicy.tuned {
		return
	}
	if !gcPolicy.warm {
		gcPolicy.warm = true
		debug.SetMemoryLimit(gcPolicy.limit)
	}
	debug.SetGCPercent(headroom(liveHeap(), gcPolicy.percent))
	armGC()
}

// headroom returns the GOGC that sets the next collection at live bytes
// plus the policy's headroom, at most most.
func headroom(live uint64, most int) int {
	if live == 0 {
		return most
	}
	p := headroomPercent
	if live*uint64(100+headroomPercent)/100 < minGoal {
		p = int((minGoal - live) * 100 / live)
	}
	return min(p, most)
}

var liveSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// liveHeap returns the heap the last collection found live. It is read
// under gcPolicy.mu, which guards liveSample.
func liveHeap() uint64 {
	metrics.Read(liveSample)
	if liveSample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return liveSample[0].Value.Uint64()
}

// steadyGC sets the most percent the policy uses once warm (now, if it
// is).
func steadyGC(percent int) {
	gcPolicy.mu.Lock()
	defer gcPolicy.mu.Unlock()
	if !gcPolicy.tuned {
		return
	}
	gcPolicy.percent = percent
	if gcPolicy.warm {
		debug.SetGCPercent(headroom(liveHeap(), percent))
	}
}

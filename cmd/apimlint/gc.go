package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

// firstCollectionAt is how much memory a one-shot command may hold before
// the collector first runs. Loading a fleet builds a model that lives to
// the end of the run; collecting while it grows re-marks it again and
// again (on 3,000 nodes, five collections during loading cost 6% of the
// run). Below this size nothing is collected; above it, the steady
// setting applies.
const firstCollectionAt = 64 << 20

// gcPolicy is the collector setting of a one-shot command: off until the
// process holds firstCollectionAt, then GOGC=percent under the guard's
// soft limit. Commands that release what they load as they go (an estate,
// fleet by fleet) ask for a lower percent. Anyone who sets GOGC, and the
// watcher, which runs for days, keep Go's defaults.
var gcPolicy struct {
	mu      sync.Mutex
	tuned   bool  // the policy is in force
	warm    bool  // the first collection has run
	percent int   // the steady GOGC
	limit   int64 // the steady soft limit
}

// gcSentinel is collected by the first collection, whose cleanup puts the
// steady setting in force. It holds a pointer so that the allocator never
// packs it with other objects (a packed tiny object may outlive its use).
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
		gcPolicy.warm = true
		debug.SetGCPercent(gcPolicy.percent)
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(firstCollectionAt)
	runtime.AddCleanup(&gcSentinel{}, func(struct{}) { gcWarmed() }, struct{}{})
}

func gcWarmed() {
	gcPolicy.mu.Lock()
	defer gcPolicy.mu.Unlock()
	gcPolicy.warm = true
	debug.SetGCPercent(gcPolicy.percent)
	debug.SetMemoryLimit(gcPolicy.limit)
}

// steadyGC sets the percent the policy uses once warm (now, if it is).
func steadyGC(percent int) {
	gcPolicy.mu.Lock()
	defer gcPolicy.mu.Unlock()
	if !gcPolicy.tuned {
		return
	}
	gcPolicy.percent = percent
	if gcPolicy.warm {
		debug.SetGCPercent(percent)
	}
}

// Package deps pins modules that packages under construction will import,
// so that go.mod stays stable while they are written. Delete once each is
// imported for real.
package deps

import (
	_ "cuelang.org/go/cue/cuecontext"
	_ "github.com/fsnotify/fsnotify"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/prometheus/client_golang/prometheus"
)

//go:build !unix

package probe

import (
	"net"
	"testing"
)

// deadPort returns a port on 127.0.0.1 where nothing listens (freed after
// listening: another listener may be given it, rarely).
func deadPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}

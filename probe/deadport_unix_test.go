//go:build unix

package probe

import (
	"syscall"
	"testing"
)

// deadPort returns a port on 127.0.0.1 where nothing listens, held for
// the test: a socket bound to it but not listening, so that connecting is
// refused and no listener the test (or anything else on the machine)
// opens later can be given the same port. Listening and closing freed the
// port, and the next test server sometimes got it (a flaky CI run).
func deadPort(t *testing.T) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	in4, ok := sa.(*syscall.SockaddrInet4)
	if !ok {
		t.Fatalf("bound to %T", sa)
	}
	return in4.Port
}

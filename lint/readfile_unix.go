//go:build unix

package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"syscall"
)

// readRegularFile reads a regular file of at most limit bytes (a FIFO or
// a directory is an error, never a wait), for node files and manifests.
// It makes the system calls itself: an *os.File registers with the
// network poller and the runtime's cleanups, a third of the cost of
// reading a node's file, which loading pays three thousand times.
func readRegularFile(p string, limit int64, what string) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(p, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: p, Err: err}
	}
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFREG:
	case syscall.S_IFDIR:
		return nil, &fs.PathError{Op: "read", Path: p, Err: errors.New("is a directory")}
	default:
		return nil, &fs.PathError{Op: "read", Path: p, Err: errors.New("not a regular file")}
	}
	size := st.Size
	if size > limit {
		return nil, &fs.PathError{Op: "read", Path: p, Err: fmt.Errorf("%d bytes, more than the %d %s may have", size, limit, what)}
	}
	// Read into a buffer of the file's size: io.ReadAll's doubling leaves
	// a third of the buffer unused on average, held as long as the node.
	buf := make([]byte, 0, size+1)
	for {
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: p, Err: err}
		}
		if n <= 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return buf, nil // the caller reports the size
			}
			buf = slices.Grow(buf, 4096) // the file grew since Stat
		}
	}
}

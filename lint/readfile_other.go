//go:build !unix

package lint

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"syscall"
)

// readRegularFile reads a regular file of at most limit bytes (a FIFO or
// a directory is an error, never a wait), for node files and manifests.
func readRegularFile(p string, limit int64, what string) ([]byte, error) {
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		why := errors.New("not a regular file")
		if st.IsDir() {
			why = errors.New("is a directory")
		}
		return nil, &fs.PathError{Op: "read", Path: p, Err: why}
	}
	if st.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: p, Err: fmt.Errorf("%d bytes, more than the %d %s may have", st.Size(), limit, what)}
	}
	// Read into a buffer of the file's size: io.ReadAll's doubling leaves
	// a third of the buffer unused on average, held as long as the node.
	buf := make([]byte, 0, st.Size()+1)
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return buf, nil // the caller reports the size
			}
			buf = slices.Grow(buf, 4096) // the file grew since Stat
		}
	}
}

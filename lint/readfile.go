package lint

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
)

// readRegularFile reads a regular file of at most limit bytes (a FIFO or
// a directory is an error, never a wait), for node files and manifests.
// Opening, stat and reads are the system's (openRegular, which fills in
// regularFile's regular, dir and size); the checks and the buffer are
// here.
func readRegularFile(p string, limit int64, what string) ([]byte, error) {
	f, err := openRegular(p)
	if err != nil {
		return nil, err
	}
	defer f.close()
	switch {
	case f.dir:
		return nil, &fs.PathError{Op: "read", Path: p, Err: errors.New("is a directory")}
	case !f.regular:
		return nil, &fs.PathError{Op: "read", Path: p, Err: errors.New("not a regular file")}
	case f.size > limit:
		return nil, &fs.PathError{Op: "read", Path: p, Err: fmt.Errorf("%d bytes, more than the %d %s may have", f.size, limit, what)}
	}
	// Read into a buffer of the file's size: io.ReadAll's doubling leaves
	// a third of the buffer unused on average, held as long as the node.
	buf := make([]byte, 0, f.size+1)
	for {
		n, err := f.read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: p, Err: err}
		}
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return buf, nil // the caller reports the size
			}
			buf = slices.Grow(buf, 4096) // the file grew since Stat
		}
	}
}

//go:build !unix

package lint

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// regularFile is a file opened with package os.
type regularFile struct {
	f            *os.File
	regular, dir bool
	size         int64
}

// openRegular opens p and reads its stat. O_NONBLOCK never waits for a
// FIFO's writer where there are FIFOs.
func openRegular(p string) (*regularFile, error) {
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &regularFile{f: f, regular: st.Mode().IsRegular(), dir: st.IsDir(), size: st.Size()}, nil
}

// read reads into b; it returns io.EOF at the end of the file.
func (f *regularFile) read(b []byte) (int, error) {
	n, err := f.f.Read(b)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // readRegularFile names the path
	}
	return n, err
}

func (f *regularFile) close() { f.f.Close() }

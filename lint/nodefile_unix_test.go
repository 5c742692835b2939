//go:build unix

package lint

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestReadNodeFileFIFOSwap: a FIFO renamed over a node file between the
// check and the open must not block the read forever (issue 13, item 6).
// A swapper alternates a regular file and a FIFO under the node file's
// name while it is read again and again; every read must return.
func TestReadNodeFileFIFOSwap(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, NodeFileName)
	if err := os.WriteFile(target, []byte("[server]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var swaps atomic.Int64
	swapped := make(chan struct{})
	go func() {
		defer close(swapped)
		reg, fifo := filepath.Join(dir, "reg.tmp"), filepath.Join(dir, "fifo.tmp")
		for i := 0; !stop.Load(); i++ {
			swaps.Add(1)
			if i%2 == 0 {
				if err := os.WriteFile(reg, []byte("[server]\n"), 0o644); err != nil {
					t.Error(err)
					return
				}
				_ = os.Rename(reg, target)
			} else {
				if err := syscall.Mkfifo(fifo, 0o644); err != nil {
					t.Error(err)
					return
				}
				_ = os.Rename(fifo, target)
			}
		}
	}()
	defer func() {
		stop.Store(true)
		<-swapped
	}()
	reads, fifos := 0, 0
	for swaps.Load() < 1000 && reads < 50_000 {
		done := make(chan error, 1)
		go func() {
			_, err := readNodeFile(target)
			done <- err
		}()
		select {
		case err := <-done:
			reads++
			if err != nil {
				fifos++
				if fifos < 3 {
					t.Log(err)
				}
			}
		case <-time.After(30 * time.Second): // a hang, not a time budget
			stop.Store(true)
			// Release the reader: open the FIFO it waits on for writing.
			if w, err := os.OpenFile(target, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
			t.Fatalf("read %d blocked on a FIFO swapped in between its check and its open", reads+1)
		}
	}
	t.Logf("%d reads, %d refused a FIFO, %d swaps", reads, fifos, swaps.Load())
}

// TestReadNodeFileRefusesFIFO: a FIFO is an error, at once.
func TestReadNodeFileRefusesFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), NodeFileName)
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readNodeFile(p); err == nil {
		t.Fatal("a FIFO was read")
	}
}

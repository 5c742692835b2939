package tomldoc

import (
	"bytes"
	"fmt"
	"sort"
)

// Position is a place in a node file. Line and Column are 1-based; Column
// counts bytes, as go/token does.
type Position struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// IsValid reports whether the position names a line.
func (p Position) IsValid() bool { return p.Line > 0 }

func (p Position) String() string {
	if !p.IsValid() {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// lineIndex turns byte offsets into line/column pairs. go-toml's own
// Parser.Shape rescans the file from the start on every call, which
// dominated decode time in profiles; one table per file is linear.
type lineIndex []int // byte offset at which each line starts

// appendLineIndex builds src's index in buf's memory (a loader reuses one
// from file to file).
func appendLineIndex(buf lineIndex, src []byte) lineIndex {
	idx := append(buf[:0], 0)
	for off := 0; ; {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return idx
		}
		off += i + 1
		idx = append(idx, off)
	}
}

// position returns the 1-based line and column of a byte offset.
func (li lineIndex) position(offset int) (line, col int) {
	i := sort.Search(len(li), func(i int) bool { return li[i] > offset }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, offset - li[i] + 1
}

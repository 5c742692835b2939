package main

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/watch"
)

// relintedNames are the fleets a lint of a tree of fleets ran on, never
// null in JSON.
func relintedNames(s *watch.Stats) []string {
	if s.Relinted == nil {
		return []string{}
	}
	return s.Relinted
}

// relintedText says which fleets a change made watch lint again, for the
// text line after every lint of a tree of fleets.
func relintedText(s *watch.Stats) string {
	if len(s.Relinted) == 0 {
		return fmt.Sprintf("no fleet (of %d)", s.Fleets)
	}
	return fmt.Sprintf("%s %s (of %d)", pluralWord(len(s.Relinted), "fleet", "fleets"), strings.Join(s.Relinted, ", "), s.Fleets)
}

package lint

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// splitFleetEntries takes the [[fleet]] array tables out of a config.
// TOML cannot hold [[fleet]] (an estate's fleets) beside [fleet] (one
// fleet's facts) in one document's type, so the entries are decoded on
// their own and blanked out of the rest; blank lines keep every other
// position where it was. Problems of the entries come back as findings.
func splitFleetEntries(file string, data []byte) ([]FleetEntry, []byte, []Finding) {
	lines := bytes.Split(data, []byte("\n"))
	in := make([]bool, len(lines))
	inFleet, found := false, false
	arrayLine, tableLine := 0, 0 // first [[fleet]], first [fleet] (or a key of it)
	header := false
	for i, l := range lines {
		if h := tableHeader(l); h != "" {
			header = true
			switch {
			case h == "[[fleet]]":
				inFleet = true
				arrayLine = firstLine(arrayLine, i+1)
			case inFleet && strings.HasPrefix(h, "[fleet."):
				// A sub-table of the last [[fleet]] entry: part of it.
			default:
				inFleet = false
				if h == "[fleet]" || strings.HasPrefix(h, "[fleet.") {
					tableLine = firstLine(tableLine, i+1)
				}
			}
			found = found || inFleet
		} else if !header && assignsFleetTable(l) {
			tableLine = firstLine(tableLine, i+1)
		}
		in[i] = inFleet
	}
	if !found {
		return nil, data, nil
	}
	var out []Finding
	report := func(line, col int, key, format string, args ...any) {
		out = append(out, Finding{Rule: RuleConfigID, Severity: SeverityError, File: file,
			Line: max(line, 1), Column: max(col, 1), Key: key, Message: fmt.Sprintf(format, args...)})
	}
	if tableLine > 0 {
		// Invalid TOML that reading the entries apart would hide: say so
		// where the second of the two is written. Both are still read, so
		// that the rest of the run goes on as the file means it.
		if tableLine > arrayLine {
			report(tableLine, 1, "fleet", "[fleet] cannot be written beside [[fleet]] (line %d): in TOML \"fleet\" is a table or an array of tables, not both; "+
				"give each [[fleet]] entry its own version or complete, or move [fleet] into the fleet directory's own %s", arrayLine, ConfigFileName)
		} else {
			report(arrayLine, 1, "fleet", "[[fleet]] cannot be written beside [fleet] (line %d): in TOML \"fleet\" is a table or an array of tables, not both; "+
				"give each [[fleet]] entry its own version or complete, or move [fleet] into the fleet directory's own %s", tableLine, ConfigFileName)
		}
	}
	var rest, entries bytes.Buffer
	for i, l := range lines {
		if i > 0 {
			rest.WriteByte('\n')
			entries.WriteByte('\n')
		}
		if in[i] {
			entries.Write(l)
		} else {
			rest.Write(l)
		}
	}
	var doc struct {
		Fleet []FleetEntry `toml:"fleet"`
	}
	dec := toml.NewDecoder(bytes.NewReader(entries.Bytes()))
	dec.DisallowUnknownFields()
	err := dec.Decode(&doc)
	var strict *toml.StrictMissingError
	var derr *toml.DecodeError
	switch {
	case errors.As(err, &strict):
		for _, e := range strict.Errors {
			line, col := e.Position()
			report(line, col, strings.Join(e.Key(), "."), "unknown key %s in [[fleet]] (want path, name, version, complete)", strings.Join(e.Key(), "."))
		}
		doc.Fleet = nil
		_ = toml.Unmarshal(entries.Bytes(), &doc)
	case errors.As(err, &derr):
		line, col := derr.Position()
		report(line, col, strings.Join(derr.Key(), "."), "%s", derr.Error())
	case err != nil:
		report(1, 1, "", "%v", err)
	}
	kept := doc.Fleet[:0]
	for i, f := range doc.Fleet {
		if strings.TrimSpace(f.Path) == "" {
			report(entryLine(entries.Bytes(), "[[fleet]]", i, "path"), 1, "path", "[[fleet]] #%d has no path", i+1)
			continue
		}
		if strings.HasPrefix(f.Path, "/") || strings.HasPrefix(f.Path, "../") || f.Path == ".." {
			report(entryLine(entries.Bytes(), "[[fleet]]", i, "path"), 1, "path", "[[fleet]] path %q is not below the config's directory", f.Path)
			continue
		}
		kept = append(kept, f)
	}
	return kept, rest.Bytes(), out
}

func firstLine(have, line int) int {
	if have == 0 {
		return line
	}
	return have
}

// assignsFleetTable reports whether a line before any table header
// defines the table fleet by a dotted key (fleet.version = …) or an
// inline table (fleet = {…}).
func assignsFleetTable(line []byte) bool {
	k, _, ok := strings.Cut(strings.TrimSpace(string(line)), "=")
	if !ok || strings.HasPrefix(strings.TrimSpace(string(line)), "#") {
		return false
	}
	k = strings.ReplaceAll(strings.TrimSpace(k), " ", "")
	return k == "fleet" || strings.HasPrefix(k, "fleet.")
}

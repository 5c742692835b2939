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
	for i, l := range lines {
		if h := tableHeader(l); h != "" {
			inFleet = h == "[[fleet]]"
			found = found || inFleet
		}
		in[i] = inFleet
	}
	if !found {
		return nil, data, nil
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
	var out []Finding
	report := func(line, col int, key, format string, args ...any) {
		out = append(out, Finding{Rule: RuleConfigID, Severity: SeverityError, File: file,
			Line: max(line, 1), Column: max(col, 1), Key: key, Message: fmt.Sprintf(format, args...)})
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
			report(line, col, strings.Join(e.Key(), "."), "unknown key %s in [[fleet]] (want path, name)", strings.Join(e.Key(), "."))
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

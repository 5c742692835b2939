package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/internal/catalog/wire"
	"github.com/apimlint/apimlint/internal/jinja"
)

// generator holds what all sets share: the template index and the parsed
// files (most files are stored once and used by many sets).
type generator struct {
	meta      string
	templates []string
	tmplIndex map[string]int
	parsed    map[string]parsedFile
}

type parsedFile struct {
	refs []jinja.Ref
	json any
}

func (g *generator) template(packPath string) int {
	if i, ok := g.tmplIndex[packPath]; ok {
		return i
	}
	g.tmplIndex[packPath] = len(g.templates)
	g.templates = append(g.templates, packPath)
	return len(g.templates) - 1
}

func (g *generator) parse(r manifestRow) (parsedFile, error) {
	if p, ok := g.parsed[r.local]; ok {
		return p, nil
	}
	data, err := os.ReadFile(filepath.Join(g.meta, r.local))
	if err != nil {
		return parsedFile{}, fmt.Errorf("read %s: %w", r.local, err)
	}
	var p parsedFile
	if strings.HasSuffix(r.local, ".j2") {
		p.refs, err = jinja.Keys(string(data))
	} else {
		d := json.NewDecoder(strings.NewReader(string(data)))
		d.UseNumber()
		err = d.Decode(&p.json)
	}
	if err != nil {
		return parsedFile{}, fmt.Errorf("parse %s: %w", r.local, err)
	}
	g.parsed[r.local] = p
	return p, nil
}

// setBuilder gathers the keys of one set.
type setBuilder struct {
	g        *generator
	keys     map[string]*wire.Key
	infer    map[string]map[string]map[string]any
	mappings map[string][]string
}

func newSetBuilder(g *generator) *setBuilder {
	return &setBuilder{g: g, keys: map[string]*wire.Key{}, infer: map[string]map[string]map[string]any{}, mappings: map[string][]string{}}
}

func (b *setBuilder) add(path string, from int) *wire.Key {
	k := b.keys[path]
	if k == nil {
		k = &wire.Key{Path: path}
		b.keys[path] = k
	}
	k.From |= from
	return k
}

// jsonKind tells the config-mapper json files apart by their pack name.
func jsonKind(packPath string) string {
	base := filepath.Base(packPath)
	for _, k := range []string{"default", "infer", "key-mappings", "key-mapping", "unit-resolve", "validator"} {
		if base == k+".json" || strings.HasSuffix(base, "."+k+".json") {
			return k
		}
	}
	return ""
}

func (b *setBuilder) addFile(r manifestRow) error {
	isTemplate := strings.HasSuffix(r.packPath, ".j2")
	kind := jsonKind(r.packPath)
	if !isTemplate && kind == "" {
		return nil
	}
	p, err := b.g.parse(r)
	if err != nil {
		return err
	}
	if isTemplate {
		t := b.g.template(r.packPath)
		for _, ref := range p.refs {
			k := b.add(ref.Key, wire.FromTemplate)
			if !hasRead(k.Reads, t) {
				k.Reads = append(k.Reads, wire.Read{T: t, L: ref.Line})
			}
		}
		return nil
	}
	m, ok := p.json.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: not a JSON object", r.local)
	}
	switch kind {
	case "default":
		for key, v := range m {
			k := b.add(dotted(key), wire.FromDefault)
			if k.Default == "" {
				raw, err := json.Marshal(v)
				if err != nil {
					return fmt.Errorf("%s: %s: %w", r.local, key, err)
				}
				k.Default = string(raw)
			}
			b.addRefs(v)
		}
	case "infer":
		for trigger, byValue := range m {
			tk := dotted(trigger)
			b.add(tk, wire.FromInferTrigger)
			vals, _ := byValue.(map[string]any)
			if b.infer[tk] == nil {
				b.infer[tk] = map[string]map[string]any{}
			}
			for val, sets := range vals {
				targets, _ := sets.(map[string]any)
				if _, seen := b.infer[tk][val]; !seen {
					b.infer[tk][val] = targets
				}
				for target, tv := range targets {
					b.add(dotted(target), wire.FromInferTarget)
					b.addRefs(tv)
				}
			}
		}
	case "key-mappings", "key-mapping":
		for key, v := range m {
			k := b.add(dotted(key), wire.FromMapping)
			var to []string
			switch v := v.(type) {
			case string:
				to = []string{v}
			case []any:
				for _, e := range v {
					if s, ok := e.(string); ok {
						to = append(to, s)
					}
				}
			}
			for _, t := range to {
				if !contains(k.MapsTo, t) {
					k.MapsTo = append(k.MapsTo, t)
				}
			}
			if _, seen := b.mappings[key]; !seen {
				b.mappings[key] = to
			}
		}
	case "unit-resolve":
		for unitType, keys := range m {
			km, _ := keys.(map[string]any)
			for key, unit := range km {
				k := b.add(dotted(key), wire.FromUnit)
				if k.Unit == "" {
					k.Unit = fmt.Sprintf("%s:%v", unitType, unit)
				}
			}
		}
	case "validator":
		// The validator constrains keys the other files already name; its
		// product rules never even run (README: match_regex).
	}
	return nil
}

func hasRead(rs []wire.Read, t int) bool {
	for _, r := range rs {
		if r.T == t {
			return true
		}
	}
	return false
}

var refRE = regexp.MustCompile(`\$ref\{([^}]+)\}`)

// addRefs adds the keys a value names with $ref{…}.
func (b *setBuilder) addRefs(v any) {
	switch v := v.(type) {
	case string:
		for _, m := range refRE.FindAllStringSubmatch(v, -1) {
			b.add(dotted(m[1]), wire.FromRef)
		}
	case []any:
		for _, e := range v {
			b.addRefs(e)
		}
	case map[string]any:
		for _, e := range v {
			b.addRefs(e)
		}
	}
}

// dotted turns a config-mapper key ("a.b", "database.$1.type",
// "system.parameter.'org.wso2.CipherTransformation'") into a catalogue
// path: segments quoted as apimlint quotes them, $1 as "*". A single-quoted
// segment is one name with dots in it, as config-mapper's TOML reader
// writes a quoted TOML key.
func dotted(key string) string {
	var parts []string
	for len(key) > 0 {
		var seg string
		if key[0] == '\'' {
			end := strings.IndexByte(key[1:], '\'')
			if end < 0 {
				seg, key = key[1:], ""
			} else {
				seg, key = key[1:1+end], key[2+end:]
			}
			key = strings.TrimPrefix(key, ".")
		} else {
			i := strings.IndexByte(key, '.')
			if i < 0 {
				seg, key = key, ""
			} else {
				seg, key = key[:i], key[i+1:]
			}
		}
		switch seg {
		case "$1", "*":
			parts = append(parts, "*")
		default:
			parts = append(parts, quoteSeg(seg))
		}
	}
	return strings.Join(parts, ".")
}

func quoteSeg(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return strconv.Quote(s)
		}
	}
	return s
}

// splitKey splits a catalogue path at dots outside quotes.
func splitKey(p string) []string {
	var out []string
	start, inQ := 0, false
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '"':
			inQ = !inQ
		case '.':
			if !inQ {
				out = append(out, p[start:i])
				start = i + 1
			}
		}
	}
	return append(out, p[start:])
}

// Command gen builds apimlint's embedded key catalogue (catalog/catalog.bin)
// from WSO2's config-mapper metadata: for every API Manager version and
// distribution, the keys its Jinja templates read, its defaults, key
// mappings, inferences and unit-resolved keys. Run it with
// `go generate ./catalog`; it reads ../shared/wso2-metadata beside the
// repository unless -metadata says otherwise. It copies no metadata file:
// it writes only what it derives.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/internal/catalog/wire"
	"github.com/apimlint/apimlint/internal/tomldoc"
)

func main() {
	root, err := repoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
	meta := flag.String("metadata", filepath.Join(root, "..", "shared", "wso2-metadata"), "the WSO2 config-mapper metadata folder (with MANIFEST.tsv)")
	out := flag.String("out", filepath.Join(root, "catalog", "catalog.bin"), "the catalogue file to write")
	flag.Parse()
	f, err := build(*meta)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	data, err := encode(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	n := 0
	for _, s := range f.Sets {
		n += strings.Count(s.Keys, "\n")
	}
	fmt.Printf("gen: %d sets, %d keys (%d distinct paths), %d templates, %d bytes -> %s\n", len(f.Sets), n, len(f.Paths), len(f.Templates), len(data), *out)
}

// repoRoot is the directory of go.mod above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// encode writes the catalogue in its binary form (see wire.EncodeBinary),
// deterministically, so that regenerating from the same metadata gives the
// same bytes. Its trie splits paths as package catalog does (Segments).
func encode(f *wire.File) ([]byte, error) {
	return wire.EncodeBinary(f, segments)
}

// segments is catalog.Segments (which the generator cannot import: the
// catalogue package embeds what the generator writes).
func segments(p string) []string {
	segs := tomldoc.AppendSegments(nil, p)
	out := make([]string, len(segs))
	for i, sg := range segs {
		out[i] = sg.Name
	}
	return out
}

// manifestRow is one row of MANIFEST.tsv.
type manifestRow struct {
	local, set, role, packPath, repo, ref, commit, licence, inPack string
}

func readTSV(path string) ([]map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) < 1 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	head := strings.Split(lines[0], "\t")
	var out []map[string]string
	for i, l := range lines[1:] {
		cols := strings.Split(l, "\t")
		if len(cols) < len(head)-1 {
			return nil, fmt.Errorf("%s:%d: %d columns, want %d", path, i+2, len(cols), len(head))
		}
		row := map[string]string{}
		for j, h := range head {
			if j < len(cols) {
				row[h] = cols[j]
			}
		}
		out = append(out, row)
	}
	return out, nil
}

func readManifest(meta string) ([]manifestRow, error) {
	rows, err := readTSV(filepath.Join(meta, "MANIFEST.tsv"))
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var out []manifestRow
	for _, r := range rows {
		out = append(out, manifestRow{local: r["local_path"], set: r["set"], role: r["role"], packPath: r["pack_path"],
			repo: r["repo"], ref: r["ref"], commit: r["commit"], licence: r["repo_licence"], inPack: r["in_pack"]})
	}
	return out, nil
}

// identityRole is the MANIFEST role of carbon-identity-framework's files.
const identityRole = "dep:carbon-identity-framework"

// proxySet is the last set with identity-framework data; its identity
// files stand in for the versions whose identity-framework is missing.
const proxySet = "4.1.0/all"

func build(meta string) (*wire.File, error) {
	rows, err := readManifest(meta)
	if err != nil {
		return nil, err
	}
	sets, err := readTSV(filepath.Join(meta, "SETS.tsv"))
	if err != nil {
		return nil, fmt.Errorf("read sets: %w", err)
	}
	excluded, err := readTSV(filepath.Join(meta, "EXCLUDED.tsv"))
	if err != nil {
		return nil, fmt.Errorf("read excluded: %w", err)
	}
	bySet := map[string][]manifestRow{}
	for _, r := range rows {
		if r.inPack == "yes" || r.inPack == "merged-into-pack-json" {
			bySet[r.set] = append(bySet[r.set], r)
		}
	}
	g := &generator{meta: meta, tmplIndex: map[string]int{}, parsed: map[string]parsedFile{}}
	f := &wire.File{}
	var setKeys [][]wire.Key // per set, in f.Sets order

	// The proxy: identity-framework keys of 4.1.0, and the top-level tables
	// only identity-framework files read there (left open where missing).
	proxy := newSetBuilder(g)
	other := newSetBuilder(g)
	for _, r := range bySet[proxySet] {
		b := other
		if r.role == identityRole {
			b = proxy
		}
		if err := b.addFile(r); err != nil {
			return nil, err
		}
	}
	openTables := map[string]bool{}
	for p := range proxy.keys {
		openTables[topTable(p)] = true
	}
	for p := range other.keys {
		delete(openTables, topTable(p))
	}

	for _, s := range sets {
		name := s["set"]
		version, dist, _ := strings.Cut(name, "/")
		b := newSetBuilder(g)
		// Product files first: the product's default wins over a fragment's.
		rs := bySet[name]
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].role == "product" && rs[j].role != "product" })
		if len(rs) == 0 {
			return nil, fmt.Errorf("set %s has no files in the manifest", name)
		}
		for _, r := range rs {
			if err := b.addFile(r); err != nil {
				return nil, err
			}
		}
		for _, e := range excluded {
			if !contains(strings.Split(e["sets"], ","), name) {
				continue
			}
			for _, k := range strings.Fields(e["keys_read_by_template"]) {
				b.add(dotted(k), wire.FromExcluded)
			}
		}
		out := wire.Set{Version: version, Dist: dist, Infer: b.infer, Mappings: b.mappings}
		var keys []wire.Key
		if strings.Contains(s["carbon-identity-framework"], "NOT AVAILABLE") {
			for p := range proxy.keys {
				b.add(p, wire.FromProxy)
			}
			for t := range openTables {
				out.Open = append(out.Open, t)
			}
			sort.Strings(out.Open)
		}
		for _, k := range b.keys {
			keys = append(keys, *k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i].Path < keys[j].Path })
		out.Sources = provenance(rs)
		f.Sets = append(f.Sets, out)
		setKeys = append(setKeys, keys)
	}
	f.Templates = g.templates
	// Paths once for all sets, sorted; each set's keys refer to them.
	index := map[string]int{}
	for _, ks := range setKeys {
		for _, k := range ks {
			index[k.Path] = 0
		}
	}
	for p := range index {
		f.Paths = append(f.Paths, p)
	}
	sort.Strings(f.Paths)
	for i, p := range f.Paths {
		index[p] = i
	}
	for i, ks := range setKeys {
		f.Sets[i].Keys = wire.EncodeKeys(ks, index)
	}
	return f, nil
}

func provenance(rs []manifestRow) []wire.Provenance {
	seen := map[string]bool{}
	var out []wire.Provenance
	for _, r := range rs {
		if seen[r.repo+r.commit] {
			continue
		}
		seen[r.repo+r.commit] = true
		out = append(out, wire.Provenance{Repo: r.repo, Ref: r.ref, Commit: r.commit, Licence: r.licence})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Repo < out[j].Repo })
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if strings.TrimSpace(y) == x {
			return true
		}
	}
	return false
}

// topTable is the first segment of a catalogue path.
func topTable(p string) string {
	segs := splitKey(p)
	if len(segs) == 0 {
		return p
	}
	return strings.TrimSuffix(segs[0], "[]")
}

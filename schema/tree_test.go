package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// treeCmp compares compiled trees by what they check: CUE values, memos
// and owners are not part of a tree's meaning, and regular expressions are
// compared by their source.
var treeCmp = cmp.Options{
	cmp.AllowUnexported(tnode{}, tfield{}, constraint{}, datum{}),
	cmpopts.IgnoreFields(tnode{}, "src"),
	cmpopts.IgnoreFields(constraint{}, "cue", "owner"),
	cmp.Comparer(func(a, b *regexp.Regexp) bool {
		return (a == nil) == (b == nil) && (a == nil || a.String() == b.String())
	}),
	cmp.Comparer(func(a, b *reMemo) bool { return (a == nil) == (b == nil) }),
	cmp.Comparer(func(a, b *walkMemo) bool { return (a == nil) == (b == nil) }),
}

const regenerate = "run go generate ./schema"

// TestBuiltinTreeFresh holds builtin.tree to the CUE sources and the
// compiler as they are now: it compiles the CUE and compares the trees
// with the embedded ones, node by node.
func TestBuiltinTreeFresh(t *testing.T) {
	srcs := BuiltinSources()
	compiled, err := Compile(srcs)
	if err != nil {
		t.Fatal(err)
	}
	d, err := decodeTree(builtinTree)
	if err != nil {
		t.Fatalf("schema/builtin.tree does not decode (%v): %s", err, regenerate)
	}
	if d.sources != sourcesHash(srcs) {
		t.Errorf("schema/builtin.tree was compiled from other CUE sources than schema/cue/*.cue (Builtin compiles the CUE at run time until it is fresh): %s", regenerate)
	}
	for _, r := range roleOrder {
		if diff := cmp.Diff(compiled.roles[r], d.roles[r], treeCmp); diff != "" {
			if len(diff) > 4000 {
				diff = diff[:4000] + "\n…"
			}
			t.Errorf("schema/builtin.tree is stale: the %s schema it holds differs from what the CUE compiles to now: %s\n(-compiled from CUE +builtin.tree)\n%s", r, regenerate, diff)
		}
	}
	if !t.Failed() && !bytes.Equal(builtinTree, encodeTree(compiled, sourcesHash(srcs))) {
		t.Errorf("schema/builtin.tree holds the same checks but is not written as the generator writes it now: %s", regenerate)
	}
}

// TestBuiltinNeedsNoCUE: the built-in schema is read from builtin.tree and
// validates nodes of every role, with findings, without building CUE;
// printing it builds CUE then.
func TestBuiltinNeedsNoCUE(t *testing.T) {
	d, err := decodeTree(builtinTree)
	if err != nil || d.sources != sourcesHash(BuiltinSources()) {
		t.Fatalf("builtin.tree is stale or broken (%v): %s", err, regenerate)
	}
	s, err := newBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	if s.lazy == nil {
		t.Fatal("newBuiltin compiled the CUE instead of reading builtin.tree")
	}
	n := lint.NewNode("n", "n/deployment.toml", []byte(`
[server]
hostname = "gw.example.com"
offset = "ten"
[apim.throttling]
enable_data_publishing = "yes"
[databse.apim_db]
url = "jdbc:mysql://db:3306/apim"
`), &lint.Config{}, lint.ResolveOptions{})
	found := 0
	for _, r := range roleOrder {
		n.Role = r
		found += len(s.Check(n))
	}
	if found == 0 {
		t.Fatal("the broken node gave no finding; the test would not show validation ran")
	}
	if s.TypeOf(wso2.RoleGateway, "server.offset") == "" {
		t.Error("TypeOf(server.offset) is empty")
	}
	if s.lazy.built() {
		t.Fatal("validating with the built-in schema built CUE")
	}
	out, err := s.Print(wso2.RoleGateway)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "#Gateway:") || !s.lazy.built() {
		t.Errorf("Print did not build CUE and print #Gateway (built %v):\n%.300s", s.lazy.built(), out)
	}
}

// TestBuiltinDecodeAllocates bounds what reading the built-in schema
// allocates: compiling its CUE allocated about 57 MiB.
func TestBuiltinDecodeAllocates(t *testing.T) {
	if _, err := newBuiltin(); err != nil { // warm: regexp and map internals
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err := newBuiltin()
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if s.lazy == nil {
		t.Fatalf("builtin.tree is stale: %s", regenerate)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 2<<20 {
		t.Errorf("reading the built-in schema allocated %d bytes; want under 2 MiB", got)
	}
}

// TestDecodedFindingsMatchCUE: on every node of the sample fleets and the
// corpus, validated as every role, the schema read from builtin.tree gives
// exactly the findings of the schema compiled from CUE.
func TestDecodedFindingsMatchCUE(t *testing.T) {
	decoded, err := newBuiltin()
	if err != nil || decoded.lazy == nil {
		t.Fatalf("builtin.tree is stale (%v): %s", err, regenerate)
	}
	compiled, err := Compile(BuiltinSources())
	if err != nil {
		t.Fatal(err)
	}
	dirs, _ := filepath.Glob(filepath.Join("..", "testdata", "*"))
	if _, err := os.Stat(filepath.Join("..", "..", "shared", "corpus")); err == nil {
		corpus := fleettest.CorpusDir(t)
		fleets, _ := filepath.Glob(filepath.Join(corpus, "fleets", "*"))
		dirs = append(append(dirs, fleets...), filepath.Join(corpus, "singles"))
	}
	nodes, findings := 0, 0
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		f, err := lint.Load([]string{dir}, lint.LoadOptions{})
		if err != nil {
			continue // not a fleet (golden outputs and such)
		}
		for _, n := range f.Nodes {
			nodes++
			role := n.Role
			for _, r := range roleOrder {
				n.Role = r
				want, got := compiled.Check(n), decoded.Check(n)
				findings += len(want)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s as %s: findings differ (-compiled from CUE +builtin.tree):\n%s", n.File, r, diff)
				}
			}
			n.Role = role
		}
	}
	if nodes < 20 || findings < 50 {
		t.Errorf("only %d nodes and %d findings compared", nodes, findings)
	}
	t.Logf("%d nodes × %d roles, %d findings, identical", nodes, len(roleOrder), findings)
	if decoded.lazy.built() {
		t.Error("validating with the built-in schema built CUE")
	}
}

// TestTreeKeepsCUEConstraints: a constraint the compiler leaves to CUE
// survives encoding; CUE is built when it is first checked, and decides as
// it does in the schema compiled from CUE.
func TestTreeKeepsCUEConstraints(t *testing.T) {
	srcs := append(BuiltinSources(), Source{Name: "policy.cue", Data: []byte(`
import "strings"
#Gateway: apim: gateway_notification: gateway_id: strings.HasPrefix("gw-") @desc("an id starting with gw-")
#Gateway: server: offset: strings.MinRunes(1) | <100
`)})
	compiled, err := Compile(srcs)
	if err != nil {
		t.Fatal(err)
	}
	d, err := decodeTree(encodeTree(compiled, sourcesHash(srcs)))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.cueAt) < 2 {
		t.Fatalf("%d constraints left to CUE in the decoded tree; want 2", len(d.cueAt))
	}
	if diff := cmp.Diff(compiled.roles[wso2.RoleGateway], d.roles[wso2.RoleGateway], treeCmp); diff != "" {
		t.Errorf("decoded gateway tree differs (-compiled +decoded):\n%s", diff)
	}
	s := fromTree(d, func() []Source { return srcs })
	leaf := func(roles map[wso2.Role]*tnode, path ...string) *constraint {
		n := roles[wso2.RoleGateway]
		for _, p := range path {
			n = n.fields[p].node
		}
		return n.leaf
	}
	id := []string{"apim", "gateway_notification", "gateway_id"}
	offset := []string{"server", "offset"}
	if got := leaf(s.roles, offset...).describe(); !strings.Contains(got, "MinRunes") || s.lazy.built() {
		t.Errorf("describing a CUE constraint: %q (CUE built: %v); want its CUE text, without CUE", got, s.lazy.built())
	}
	for _, tc := range []struct {
		path []string
		v    datum
		want bool
	}{
		{id, datum{k: kString, s: "gw-1"}, true},
		{id, datum{k: kString, s: "gateway_00"}, false},
		{offset, datum{k: kInt, i: 5}, true},
		{offset, datum{k: kString, s: "7"}, true},
		{offset, datum{k: kString, s: "x"}, false}, // and the built-in: a port offset
		{offset, datum{k: kInt, i: 500}, false},
	} {
		c := leaf(s.roles, tc.path...)
		if got, _ := c.check(&tc.v); got != tc.want {
			t.Errorf("%s: %v: got %v, want %v", c.describe(), tc.v.goValue(), got, tc.want)
		}
		if got, _ := leaf(compiled.roles, tc.path...).check(&tc.v); got != tc.want {
			t.Errorf("the schema compiled from CUE says %v to %v; the test expects %v", got, tc.v.goValue(), tc.want)
		}
		if !s.lazy.built() {
			t.Fatal("checking a CUE constraint did not build CUE")
		}
	}
}

// TestDecodeTreeRejects: a damaged tree is an error, never a panic or a
// tree with dangling references.
func TestDecodeTreeRejects(t *testing.T) {
	good := string(builtinTree)
	lines := strings.Split(good, "\n")
	for name, data := range map[string]string{
		"empty":           "",
		"magic":           "apimlint-schema-tree 0\n" + strings.Join(lines[1:], "\n"),
		"negative counts": strings.Join(lines[:2], "\n") + "\ncounts -1 2 3\n",
		"huge counts":     strings.Join(lines[:2], "\n") + "\ncounts 999999999999 2 3\n",
		"forward ref":     strings.Join(lines[:3], "\n") + "\nc list elem=0\n",
		"unknown op":      strings.Join(lines[:3], "\n") + "\nc frob\n",
		"bad regex":       strings.Join(lines[:3], "\n") + "\nc regex re=\"(\"\n",
		"cue without at":  strings.Join(lines[:3], "\n") + "\nc cue shown=\"x\"\n",
		"truncated":       strings.Join(lines[:len(lines)/2], "\n"),
		"unquoted":        strings.Join(lines[:3], "\n") + "\nc lit lit=string:\"abc\n",
		"field first":     strings.Join(lines[:3], "\n") + "\nf \"a\" 0\n",
		"no roots":        strings.Join(lines[:len(lines)-6], "\n"),
	} {
		if _, err := decodeTree([]byte(data)); err == nil {
			t.Errorf("%s: decoded without an error", name)
		}
	}
}

// FuzzDecodeTree: no input makes the decoder panic.
func FuzzDecodeTree(f *testing.F) {
	f.Add(builtinTree)
	f.Add([]byte(treeMagic + "\nsources x\ncounts 2 2 1\nc kind kinds=string\nc list elem=0\nn leaf leaf=1\nn struct\nf \"a\" 0 required why=\"x\"\nroot gateway 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = decodeTree(data)
	})
}

// BenchmarkBuiltin measures what Builtin does once per process: read the
// compiled schema from builtin.tree.
func BenchmarkBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := newBuiltin()
		if err != nil || s.lazy == nil {
			b.Fatalf("builtin.tree is stale (%v): %s", err, regenerate)
		}
	}
}

// BenchmarkBuiltinFromCUE measures what Builtin did before builtin.tree,
// and still does when it is stale: compile the CUE sources.
func BenchmarkBuiltinFromCUE(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(BuiltinSources()); err != nil {
			b.Fatal(err)
		}
	}
}

package wire

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// splitSegments stands in for catalog.Segments: dots, array markers dropped.
func splitSegments(p string) []string {
	var out []string
	for _, s := range strings.Split(p, ".") {
		out = append(out, strings.TrimSuffix(s, "[]"))
	}
	return out
}

func sampleFile(t *testing.T) *File {
	t.Helper()
	paths := []string{"a.b", "a.list.x", "a.list[].x", "a.open.*", "database.*.type", "server.hostname", "transport.receiver.tcp_port"}
	idx := map[string]int{}
	for i, p := range paths {
		idx[p] = i
	}
	shared := Key{Path: "a.b", From: FromTemplate | FromDefault, Default: `"x\ty"`, Reads: []Read{{T: 0, L: 12}, {T: 1, L: 3}}}
	var infer map[string]map[string]map[string]any
	d := json.NewDecoder(strings.NewReader(`{"database.*.type":{"mysql":{"database.$1.url":"jdbc:mysql://x","database.$1.pool":10}}}`))
	d.UseNumber()
	if err := d.Decode(&infer); err != nil {
		t.Fatal(err)
	}
	// As the generator writes them: paths sorted, each set's keys by path.
	return &File{
		Templates: []string{"conf/a.xml.j2", "conf/b.xml.j2"},
		Paths:     paths,
		Sets: []Set{
			{Version: "4.0.0", Dist: "all", Keys: EncodeKeys([]Key{
				shared,
				{Path: "a.list[].x", From: FromTemplate, Reads: []Read{{T: 1, L: 7}}},
				{Path: "database.*.type", From: FromInferTrigger},
				{Path: "transport.receiver.tcp_port", From: FromMapping, MapsTo: []string{"transport.thrift.receiver.tcpPort", "x,y"}},
			}, idx), Infer: infer, Mappings: map[string][]string{"transport.receiver.tcp_port": {"transport.thrift.receiver.tcpPort", "x,y"}},
				Sources: []Provenance{{Repo: "wso2/product-apim", Ref: "v4.0.0", Commit: "abc", Licence: "Apache-2.0"}}},
			{Version: "4.5.0", Dist: "gateway", Open: []string{"event_listener", "oauth"}, Keys: EncodeKeys([]Key{
				shared,
				{Path: "a.list.x", From: FromProxy},
				{Path: "a.list[].x", From: FromTemplate, Reads: []Read{{T: 1, L: 8}}}, // differs from 4.0.0's
				{Path: "a.open.*", From: FromTemplate, Unit: "time:s"},
				{Path: "server.hostname", From: FromDefault, Default: `{"k":[1,2.5,null]}`},
			}, idx)},
		},
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	f := sampleFile(t)
	data, err := EncodeBinary(f, splitSegments)
	if err != nil {
		t.Fatal(err)
	}
	again, err := EncodeBinary(f, splitSegments)
	if err != nil || string(again) != string(data) {
		t.Fatalf("encoding twice gave different bytes (%v)", err)
	}
	tb, err := DecodeBinary(string(data))
	if err != nil {
		t.Fatal(err)
	}
	got, err := tb.File()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// a.b is one key for both sets; a.list[].x is two.
	var sets []uint32
	for i, k := range tb.Keys {
		if p := tb.Key(i).Path; p == "a.b" || p == "a.list[].x" {
			sets = append(sets, k.Sets)
		}
	}
	if !slices.Equal(sets, []uint32{0b11, 0b01, 0b10}) {
		t.Errorf("set masks of a.b and a.list[].x = %b, want [11 1 10]", sets)
	}
	// The trie: a.list[].x and a.list.x end at one node; * is a star child.
	node := func(p string) Node { return tb.Nodes[tb.PathNode[slices.Index(tb.Paths, p)]] }
	if tb.PathNode[1] != tb.PathNode[2] {
		t.Errorf("a.list[].x and a.list.x end at nodes %d and %d, want one", tb.PathNode[1], tb.PathNode[2])
	}
	a := tb.Nodes[tb.Nodes[0].Kids] // root's first child
	if a.Name != "a" || a.NKids != 3 {
		t.Fatalf("first child of the root = %+v, want a with 3 children", a)
	}
	var kids []string
	for _, k := range tb.Nodes[a.Kids : a.Kids+a.NKids] {
		kids = append(kids, k.Name)
	}
	if !slices.Equal(kids, []string{"b", "list", "open"}) {
		t.Errorf("children of a = %v", kids)
	}
	open := tb.Nodes[a.Kids+2]
	if open.Star == 0 || tb.Nodes[open.Star].Name != "*" || node("a.open.*").Name != "*" {
		t.Errorf("a.open has no * child: %+v", open)
	}
}

// TestDecodeBinaryCorrupt: a damaged file is an error, never a panic or a
// huge allocation.
func TestDecodeBinaryCorrupt(t *testing.T) {
	data, err := EncodeBinary(sampleFile(t), splitSegments)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for n := range len(s) {
		if _, err := DecodeBinary(s[:n]); err == nil {
			t.Errorf("truncated to %d bytes: no error", n)
		}
	}
	if _, err := DecodeBinary(s + "x"); err == nil {
		t.Error("trailing byte: no error")
	}
	for i := len(magic); i < len(s); i++ {
		for _, b := range []byte{0x00, 0x7f, 0xff} {
			bad := []byte(s)
			bad[i] = b
			_, _ = DecodeBinary(string(bad)) // must return, error or not
		}
	}
}

func TestEncodeBinaryRejects(t *testing.T) {
	f := sampleFile(t)
	f.Sets = slices.Repeat(f.Sets[:1], MaxSets+1)
	if _, err := EncodeBinary(f, splitSegments); err == nil {
		t.Errorf("%d sets: no error", MaxSets+1)
	}
	f = sampleFile(t)
	f.Paths = append(f.Paths, "a.b")
	if _, err := EncodeBinary(f, splitSegments); err == nil {
		t.Error("a path listed twice: no error")
	}
}

package tomldoc

import (
	"strconv"
	"testing"
)

// The slabs are sized from countSlots; an estimate below the real count
// allocates an overflow chunk per file (on 3,000 generated nodes that was
// 8 MB held for the whole run).
func TestCountSlotsCoversEveryKeyAndValue(t *testing.T) {
	src := []byte(`# a comment with = and , and [
[server]
hostname = "gw-1"
offset = 2

[secrets]
admin = "c/C8IUm0KrU/KogMTobKT7E29Pptxdsw=="

[apim.cors]
allow_methods = ["GET", "PUT", "POST"]
allow_origins = ["*"]
empty = []
nested = [[1, 2], [3]]
multi = [
  "a",
  "b",
]
inline = {a = 1, b = "x"}

[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://tm-1:9611"]
traffic_manager_auth_urls = ["ssl://tm-1:9711"]
`)
	doc := Parse("f.toml", src, nil)
	if doc.Err != nil {
		t.Fatal(doc.Err)
	}
	values := 0
	var count func(v *Value)
	count = func(v *Value) {
		values++
		for _, e := range v.Elems() {
			count(e)
		}
	}
	for _, k := range doc.Keys {
		count(k.Value)
	}
	n := countSlots(src)
	if n.keys+8 < len(doc.Keys) {
		t.Errorf("estimated %d keys (+8), file has %d", n.keys, len(doc.Keys))
	}
	if n.keys+8+n.elems < values {
		t.Errorf("estimated %d values, file has %d", n.keys+8+n.elems, values)
	}
	if n.headers != len(doc.Tables) {
		t.Errorf("estimated %d headers, file has %d", n.headers, len(doc.Tables))
	}
	// Not wildly above either: spare slots are held as long as the node.
	if n.keys+n.elems > 2*values {
		t.Errorf("estimated %d values for %d", n.keys+n.elems, values)
	}
}

// A Scratch reuses the table tree's memory from file to file; what it
// keeps must not point at the keys of a file already read, or every
// loader goroutine would keep its last file alive.
func TestScratchKeepsNoKeysOfTheLastFile(t *testing.T) {
	sc := NewScratch()
	big := []byte("[a]\nk = 1\n")
	for i := range 40 {
		big = append(big, []byte("[t"+strconv.Itoa(i)+"]\nk = 1\nl = \"x\"\n")...)
	}
	for _, src := range [][]byte{big, []byte("[s]\nk = 2\n"), big} {
		doc := Parse("f.toml", src, sc)
		if doc.Err != nil {
			t.Fatal(doc.Err)
		}
		for i, n := range sc.tnodes[:cap(sc.tnodes)] {
			if n.children != nil || n.path != "" || n.index != nil {
				t.Fatalf("scratch tree node %d still holds %q", i, n.path)
			}
		}
		for i, c := range sc.children[:cap(sc.children)] {
			if c.key != nil || c.node != nil {
				t.Fatalf("scratch child %d still points at the file", i)
			}
		}
	}
}

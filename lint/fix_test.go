package lint

import (
	"bytes"
	"strings"
	"testing"
)

func TestReplaceValueAndSetKey(t *testing.T) {
	src := "\xef\xbb\xbf# c\r\n[a]\r\nx = \"old\" # keep\r\nlist = ['p', \"q\"]\r\n[b]\r\n"
	n := NewNode("n", "n/deployment.toml", []byte(src), nil, ResolveOptions{})
	e1, ok := ReplaceValue(n, n.Get("a.x").Value, QuoteTOML("new"))
	if !ok {
		t.Fatal("ReplaceValue refused")
	}
	e2, ok := ReplaceValue(n, n.Get("a.list").Value.Elems()[1], `"r"`)
	if !ok {
		t.Fatal("ReplaceValue refused an element")
	}
	e3, ok := SetKey(n, "b", "y", "1")
	if !ok {
		t.Fatal("SetKey refused")
	}
	e4, ok := SetKey(n, "c.d", "z", `"w"`)
	if !ok {
		t.Fatal("SetKey refused a new table")
	}
	out, err := ApplyEdits(n.Src, []TextEdit{e1, e3, e4, e2})
	if err != nil {
		t.Fatal(err)
	}
	want := "\xef\xbb\xbf# c\r\n[a]\r\nx = \"new\" # keep\r\nlist = ['p', \"r\"]\r\n[b]\r\ny = 1\r\n\r\n[c.d]\r\nz = \"w\"\r\n"
	if string(out) != want {
		t.Errorf("got %q\nwant %q", out, want)
	}
	if e1.Line != 3 || e1.Column != 5 || e1.EndColumn != 10 {
		t.Errorf("edit position %+v", e1)
	}
	if _, ok := SetKey(n, "a", "x", "1"); ok {
		t.Error("SetKey on a written key")
	}
	ph := NewNode("n", "f", []byte("[a]\nx = \"$ref{a.y}\"\ny = \"v\"\n"), nil, ResolveOptions{})
	if _, ok := ReplaceValue(ph, ph.Get("a.x").Value, `"z"`); ok {
		t.Error("ReplaceValue changed a value given through a placeholder")
	}
	if _, err := ApplyEdits(n.Src, []TextEdit{e1, e1}); err == nil {
		t.Error("overlapping edits applied")
	}
}

// FuzzFixes: edits made by ReplaceValue and SetKey on any file keep the
// TOML valid and change no byte outside their spans.
func FuzzFixes(f *testing.F) {
	f.Add("[a]\nx = \"v\"\ny = [1, 2]\n", "a.b", "k", "new value", 0)
	f.Add("# only a comment", "t", "gateway_id", "gw-1", 3)
	f.Add("[apim.gateway_notification]\r\ngateway_id = 'x'\r\n", "apim.gateway_notification", "gateway_id", "\"quoted\"\n", 1)
	f.Add("a.b.c = 1\n[[t]]\nk = \"$ref{a.b.c}\"\n", "t", "k", "", 2)
	f.Fuzz(func(t *testing.T, src, table, key, value string, pick int) {
		n := NewNode("n", "n/deployment.toml", []byte(src), nil, ResolveOptions{})
		if n.SyntaxError != nil {
			return
		}
		var edits []TextEdit
		var scalars []*Value
		for _, k := range n.Keys {
			scalars = append(scalars, k.Scalars()...)
		}
		if len(scalars) > 0 {
			v := scalars[(pick%len(scalars)+len(scalars))%len(scalars)]
			if e, ok := ReplaceValue(n, v, QuoteTOML(value)); ok {
				edits = append(edits, e)
			}
		}
		if validBareKey(key) && validDottedTable(table) {
			if e, ok := SetKey(n, table, key, QuoteTOML(value)); ok && (len(edits) == 0 || !overlaps(e, edits[0])) {
				edits = append(edits, e)
			}
		}
		out, err := ApplyEdits(n.Src, edits)
		if err != nil {
			t.Fatal(err)
		}
		// Outside the edits, the bytes are the file's own.
		rest := out
		last := 0
		for _, e := range sortedEdits(edits) {
			chunk := n.Src[last:e.Start]
			i := bytes.Index(rest, chunk)
			if i != 0 {
				t.Fatalf("bytes before an edit changed:\n%q\n%q", n.Src, out)
			}
			rest = rest[len(chunk)+len(e.NewText):]
			last = e.End
		}
		if !bytes.Equal(rest, n.Src[last:]) {
			t.Fatalf("bytes after the edits changed:\n%q\n%q", n.Src, out)
		}
		if m := NewNode("n", "n/deployment.toml", out, nil, ResolveOptions{}); m.SyntaxError != nil {
			t.Fatalf("fixed file is not TOML: %v\nbefore %q\nafter  %q", m.SyntaxError, src, out)
		}
	})
}

func sortedEdits(es []TextEdit) []TextEdit {
	out := append([]TextEdit(nil), es...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].Start < out[i].Start {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func validBareKey(s string) bool {
	if s == "" {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == ""
}

func validDottedTable(s string) bool {
	for _, seg := range strings.Split(s, ".") {
		if !validBareKey(seg) {
			return false
		}
	}
	return true
}

// A table made by dotted keys or written inline has no header to add a
// key under, and cannot take one: SetKey writes the key the way the
// table's keys are written, or refuses; it never leaves a file that does
// not parse.
func TestSetKeyDottedAndInline(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"top-level dotted", "apim.event_hub.enable = true\r\napim.event_hub.service_url = \"x\"\r\n\r\n[server]\r\nhostname = \"cp\"\r\n",
			"apim.event_hub.event_duplicate_url = [\"tcp://cp-2:5672\"]\r\napim.event_hub.enable = true\r\napim.event_hub.service_url = \"x\"\r\n\r\n[server]\r\nhostname = \"cp\"\r\n"},
		{"dotted under a header", "[apim]\n  event_hub.enable = true\n",
			"[apim]\n  event_hub.event_duplicate_url = [\"tcp://cp-2:5672\"]\n  event_hub.enable = true\n"},
		{"inline table", "apim.event_hub = { enable = true }\n", ""},
		{"inline table under a header", "[apim]\nevent_hub = { enable = true, service_url = \"x\" }\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := NewNode("n", "n/deployment.toml", []byte(tc.src), nil, ResolveOptions{})
			if n.SyntaxError != nil {
				t.Fatal(n.SyntaxError)
			}
			e, ok := SetKey(n, "apim.event_hub", "event_duplicate_url", `["tcp://cp-2:5672"]`)
			if tc.want == "" {
				if ok {
					t.Fatalf("SetKey wrote %q into an inline table", e.NewText)
				}
				return
			}
			if !ok {
				t.Fatal("SetKey refused")
			}
			out, err := ApplyEdits(n.Src, []TextEdit{e})
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("got %q\nwant %q", out, tc.want)
			}
			again := NewNode("n", "n/deployment.toml", out, nil, ResolveOptions{})
			if again.SyntaxError != nil || again.Get("apim.event_hub.event_duplicate_url") == nil {
				t.Errorf("fixed file: %v, key found %v", again.SyntaxError, again.Get("apim.event_hub.event_duplicate_url") != nil)
			}
		})
	}
}

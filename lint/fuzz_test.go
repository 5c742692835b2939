package lint

import (
	"strings"
	"testing"
)

// FuzzNewNode feeds arbitrary bytes to the loader: it must never panic or
// hang, and every diagnostic must carry a position inside the file.
func FuzzNewNode(f *testing.F) {
	f.Add([]byte("[server]\nhostname = \"gw-1\"\noffset = 3\n"))
	f.Add([]byte("[a]\nb = \"$ref{a.c}\"\nc = \"$ref{a.b}\"\n"))
	f.Add([]byte("[[event_listener]]\nid = \"x\"\n[event_listener.properties]\n'header.X' = \"$ref{super_admin.password}\"\n"))
	f.Add([]byte("a = { b = [1, {c = 2}], d.e = \"${carbon.host}\" }\n[a.f]\n"))
	f.Add([]byte("x = \"unterminated\n[user_store]\n[user_store]\n"))
	f.Add([]byte("\xff\xfe\x00garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := NewNode("n", "n/deployment.toml", data, nil, ResolveOptions{})
		lines := strings.Count(string(data), "\n") + 1
		for _, d := range n.Diagnostics {
			if d.Line < 1 || d.Line > lines || d.Column < 1 {
				t.Fatalf("diagnostic outside the file (%d lines): %+v", lines, d)
			}
		}
		for _, k := range n.Keys {
			if k.Value == nil || k.Pos().Line < 1 || k.Pos().Line > lines {
				t.Fatalf("key %s with bad position %+v", k.Path, k.Pos())
			}
			_ = k.Show()
			_ = k.Value.Strings()
			// A value is a span of the file: its raw text stands at its
			// position (the parser dropped a byte-order mark before it).
			src := strings.TrimPrefix(string(data), "\xef\xbb\xbf")
			for _, v := range k.Scalars() {
				p := v.Pos()
				off := lineOffset(src, p.Line) + p.Column - 1
				if off < 0 || off+len(v.Raw()) > len(src) || src[off:off+len(v.Raw())] != v.Raw() {
					t.Fatalf("%s: raw %q is not the text at %v", k.Path, v.Raw(), p)
				}
				_, _, _ = v.Int(), v.Float(), v.Placeholders()
			}
		}
	})
}

// lineOffset is the byte offset at which 1-based line starts, or -1.
func lineOffset(s string, line int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(s[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	return off
}

// FuzzPlaceholders resolves arbitrary strings with placeholders against a
// file that has references, cycles and defaults.
func FuzzPlaceholders(f *testing.F) {
	f.Add("$ref{a.b}")
	f.Add("https://${carbon.host}:${mgt.transport.https.port}/x")
	f.Add("$ref{x}$ref{y}$secret{}$env{}${")
	f.Add("$ref{super_admin.password}-$conf{a}")
	f.Fuzz(func(t *testing.T, s string) {
		src := "[server]\noffset = 2\nhostname = \"h\"\n[a]\nb = \"$ref{a.c}\"\nc = \"$ref{a.b}\"\n[x]\nv = " + QuoteTOML(s) + "\n"
		n := NewNode("n", "n/deployment.toml", []byte(src), nil, ResolveOptions{})
		if n.SyntaxError != nil {
			return
		}
		v := n.Value("x.v")
		if v == nil {
			t.Fatalf("x.v missing from %q", src)
		}
		_ = ScanPlaceholders(s)
		if _, err := ParseEndpoint(v.Text()); err != nil {
			return
		}
	})
}

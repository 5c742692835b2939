package tomldoc

import (
	"strconv"
	"strings"
	"testing"
)

// TestSyntaxErrorsQuoteNoSecret: a number too large for 64 bits, a hex
// key and a bad character in a password's value are never quoted in the
// message (issue 13, item 8).
func TestSyntaxErrorsQuoteNoSecret(t *testing.T) {
	cases := []struct{ src, secret string }{
		{"[super_admin]\npassword = 98765432109876543210123\n", "98765432109876543210123"},
		{"[encryption]\nkey = 0x3f1c9a7b5e2d4f6a8c0b1d3e5f7a9c2b\n", "3f1c9a7b5e2d4f6a8c0b1d3e5f7a9c2b"},
		{"[keystore.tls]\npassword = 12_34_5Zq\n", "Zq"},
		{"[keystore.tls]\nkey_password = 77 Q\n", "Q"},
		{"[database.apim_db]\npassword = 1.5e99999\n", "99999"},
	}
	for _, c := range cases {
		doc := Parse("n/deployment.toml", []byte(c.src), nil)
		if doc.Err == nil {
			t.Errorf("%q parsed", c.src)
			continue
		}
		if strings.Contains(doc.Err.Message, c.secret) || strings.Contains(doc.Err.Message, "'"+c.secret[len(c.secret)-1:]+"'") {
			t.Errorf("%q: message %q quotes the secret", c.src, doc.Err.Message)
		}
		if doc.Err.Pos.Line != 2 {
			t.Errorf("%q: error at %v, want line 2", c.src, doc.Err.Pos)
		}
	}
	// Other keys still name the character: it helps and hides nothing.
	doc := Parse("n/deployment.toml", []byte("[server]\noffset = 12 Q\n"), nil)
	if doc.Err == nil || !strings.Contains(doc.Err.Message, "'Q'") {
		t.Errorf("error on a setting: %v", doc.Err)
	}
}

// TestBoundsAreSyntaxErrors: more key segments or deeper nesting than any
// WSO2 file has is a syntax error with a position (issue 13, item 5).
func TestBoundsAreSyntaxErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"a" + strings.Repeat(".a", MaxKeySegments) + " = 1\n", "dotted parts"},
		{"[" + strings.Repeat("a.", MaxKeySegments) + "a]\n", "dotted parts"},
		{"x = " + strings.Repeat("[", MaxNesting+1) + strings.Repeat("]", MaxNesting+1) + "\n", "nested more than"},
		{"x = " + strings.Repeat("[{a = ", MaxNesting) + "1" + strings.Repeat("}]", MaxNesting) + "\n", "nested more than"},
		{"x = " + strings.Repeat("{a = ", MaxNesting+1) + "1" + strings.Repeat("}", MaxNesting+1) + "\n", "nested more than"},
	}
	for _, c := range cases {
		doc := Parse("n/deployment.toml", []byte(c.src), nil)
		if doc.Err == nil || !strings.Contains(doc.Err.Message, c.want) || doc.Err.Pos.Line != 1 || doc.Err.Pos.Column < 1 {
			t.Errorf("%.40q: error %v, want %q at line 1", c.src, doc.Err, c.want)
		}
	}
	ok := "a" + strings.Repeat(".a", MaxKeySegments-1) + " = 1\nx = " + strings.Repeat("[", MaxNesting) + strings.Repeat("]", MaxNesting) + "\n"
	if doc := Parse("n/deployment.toml", []byte(ok), nil); doc.Err != nil {
		t.Errorf("a file within the bounds fails: %v", doc.Err)
	}
}

// TestManyKeysStillCaught: the index of a large table finds duplicates
// and redefinitions as the scan did.
func TestManyKeysStillCaught(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("[t]\n")
	for i := range 100 {
		sb.WriteString("k" + strconv.Itoa(i) + " = 1\n")
	}
	for _, tail := range []string{"k57 = 2\n", "k3.x = 1\n", "[t.k99]\n"} {
		doc := Parse("n/deployment.toml", []byte(sb.String()+tail), nil)
		if doc.Err == nil || doc.Err.Pos.Line != 102 {
			t.Errorf("%q after 100 keys: error %v, want one on line 102", tail, doc.Err)
		}
	}
	doc := Parse("n/deployment.toml", []byte(sb.String()+"[t.sub]\nk1 = 1\n"), nil)
	if doc.Err != nil || len(doc.Keys) != 101 {
		t.Errorf("a sub-table after 100 keys: %v, %d keys", doc.Err, len(doc.Keys))
	}
}

// TestTablesOfDottedKeysAndInlineTables follows TOML 1.0: a [header] may
// define a sub-table of a table made by dotted keys, but not that table
// itself; an inline table takes nothing after it is written.
func TestTablesOfDottedKeysAndInlineTables(t *testing.T) {
	valid := []string{
		"apim.devportal.url = \"https://dp\"\n[apim.key_manager]\nservice_url = \"https://km\"\n",
		"[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true\n",
	}
	for _, src := range valid {
		if doc := Parse("n/deployment.toml", []byte(src), nil); doc.Err != nil {
			t.Errorf("valid TOML %q: %v", src, doc.Err)
		}
	}
	invalid := []struct {
		src  string
		line int
	}{
		{"[fruit]\napple.color = \"red\"\n[fruit.apple]\n", 3},
		{"[fruit]\napple.taste.sweet = true\n[fruit.apple.taste]\n", 3},
		{"a = {b = 1}\na.c = 2\n", 2},
		{"a = {b = 1}\n[a.c]\n", 2},
		{"a = {b = {c = 1}}\n[a.b.d]\n", 2},
		{"a.b = 1\n[a]\n", 2},
	}
	for _, c := range invalid {
		doc := Parse("n/deployment.toml", []byte(c.src), nil)
		if doc.Err == nil || doc.Err.Pos.Line != c.line {
			t.Errorf("invalid TOML %q: error %v, want one on line %d", c.src, doc.Err, c.line)
		}
	}
}

// TestArrayOfInlineTablesIsAnArrayOfTables: WSO2 reads
// `environment = [{…}]` as it reads [[environment]], so keys in either
// are InArrayTable (where it resolves no $ref{}).
func TestArrayOfInlineTablesIsAnArrayOfTables(t *testing.T) {
	for _, src := range []string{
		"[apim.gateway]\nenvironment = [{name = \"x\", service_url = \"$ref{a.b}\"}]\n",
		"[[apim.gateway.environment]]\nname = \"x\"\nservice_url = \"$ref{a.b}\"\n",
	} {
		doc := Parse("n/deployment.toml", []byte(src), nil)
		if doc.Err != nil {
			t.Fatal(doc.Err)
		}
		for _, k := range doc.Keys {
			if strings.HasSuffix(k.Path, "service_url") && !k.InArrayTable {
				t.Errorf("%q: %s is not marked as in an array of tables", src, k.Path)
			}
		}
	}
}

package drift

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const validBaseline = `{
  "version": 2,
  "secrets": "hmac-sha256",
  "keyId": "0123456789abcdef",
  "nodes": [
    {
      "name": "gw-1",
      "file": "gw-1/deployment.toml",
      "role": "gateway",
      "keys": [
        {"path":"apim.labels","kind":"array","value":["a", 1, 2.5, true]},
        {"path":"server.hostname","kind":"string","value":"gw-1"},
        {"path":"super_admin.password","kind":"string","hash":"hmac-sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
      ]
    }
  ]
}
`

func TestParseValid(t *testing.T) {
	b, err := Parse([]byte(validBaseline))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Nodes) != 1 || len(b.Nodes[0].Keys) != 3 || string(b.Nodes[0].Keys[0].Value) != `["a",1,2.5,true]` {
		t.Fatalf("parsed %+v", b)
	}
}

func TestParseCorrupt(t *testing.T) {
	repl := func(old, new string) string {
		if !strings.Contains(validBaseline, old) {
			t.Fatalf("test bug: %q not in the baseline", old)
		}
		return strings.Replace(validBaseline, old, new, 1)
	}
	for _, c := range []struct{ name, data, want string }{
		{"empty", "", "empty file"},
		{"blank", " \n\t", "empty file"},
		{"not json", "hello", "not valid JSON at line 1"},
		{"a json list", "[]", `"the baseline" is an array, want an object`},
		{"no version", `{"secrets":"presence","nodes":[]}`, `no "version"`},
		{"future version", repl(`"version": 2`, `"version": 4`), "newer than this apimlint reads"},
		{"node version in version 2", repl(`"role": "gateway",`, `"role": "gateway", "version": "4.6.0",`), "records no node version"},
		{"version zero", repl(`"version": 2`, `"version": 0`), "version 0 is not supported"},
		{"version as string", repl(`"version": 2`, `"version": "2"`), `"version" is "2"`},
		{"no secrets mode", repl(`"secrets": "hmac-sha256",`, ``), `"secrets" is ""`},
		{"salt in version 2", repl(`"keyId"`, `"salt": "abc", "keyId"`), `no "salt"`},
		{"v1 without salt", `{"version":1,"nodes":[]}`, `no "salt"`},
		{"no key id", repl(`"keyId": "0123456789abcdef",`, ``), `"keyId" is not 16 hex digits`},
		{"no nodes", `{"version":2,"secrets":"presence"}`, `no "nodes"`},
		{"unknown field", repl(`"secrets": "hmac-sha256",`, `"secrets": "hmac-sha256", "extra": 1,`), `unknown field "extra"`},
		{"trailing data", validBaseline + "{}", "after top-level value"},
		{"unknown role", repl(`"gateway"`, `"router"`), `unknown role "router"`},
		{"role alias", repl(`"gateway"`, `"gw"`), `unknown role "gw"`},
		{"no node name", repl(`"name": "gw-1"`, `"name": ""`), "node #1 has no name"},
		{"duplicate node", `{"version":2,"secrets":"presence","nodes":[{"name":"a","file":"","role":"gateway","keys":[]},{"name":"a","file":"","role":"gateway","keys":[]}]}`, "node a appears twice"},
		{"no keys", `{"version":2,"secrets":"presence","nodes":[{"name":"a","file":"","role":"gateway"}]}`, `no "keys" list`},
		{"duplicate key", repl(`"path":"apim.labels"`, `"path":"server.hostname"`), "key server.hostname appears twice"},
		{"empty path", repl(`"path":"apim.labels"`, `"path":""`), "key #1 has no path"},
		{"bad kind", repl(`"kind":"array"`, `"kind":"list"`), `unknown kind "list"`},
		{"no value", repl(`,"value":"gw-1"`, ``), "no value and no hash"},
		{"null value", repl(`"value":"gw-1"`, `"value":null`), "no value and no hash"},
		{"object value", repl(`"value":"gw-1"`, `"value":{"a":1}`), "a table value must be {}"},
		{"bad hash", repl(`0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef`, `secret`), "is not hmac-sha256:"},
		{"old hash in a keyed baseline", repl(`hmac-sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef`, `sha256:0123456789abcdef`), "is not hmac-sha256:"},
		{"secret form in a keyed baseline", repl(`"hash":"hmac-sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"`, `"secret":"set"`), `not "presence"`},
		{"value and hash", repl(`"hash":"hmac`, `"value":"x","hash":"hmac`), "more than one of a value, a hash"},
		{"keys not a list", repl(`"keys": [`, `"keys": 3, "x": [`), `"nodes.keys" is a number, want an array`},
		{"role not a string", repl(`"role": "gateway"`, `"role": ["gateway"]`), `"nodes.role" is an array, want a string`},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := Parse([]byte(c.data))
			if err == nil {
				t.Fatalf("accepted: %+v", b)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

// Every truncation of a baseline is an error, never an empty baseline
// that would then report no drift.
func TestParseTruncated(t *testing.T) {
	full := strings.TrimRight(validBaseline, "\n")
	for i := 0; i < len(full); i++ {
		if b, err := Parse([]byte(full[:i])); err == nil {
			t.Fatalf("truncated at %d accepted: %+v", i, b)
		}
	}
	_, err := Parse([]byte(full[:len(full)/2]))
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("err = %v", err)
	}
}

func TestReadFileErrorsNameTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "base.json")
	if err := os.WriteFile(p, []byte(validBaseline[:40]), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(p); err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("err = %v", err)
	}
	if _, err := ReadFile(p + ".missing"); err == nil || !strings.Contains(err.Error(), "base.json.missing") {
		t.Fatalf("err = %v", err)
	}
}

// A hand edit that keeps the values equal (spacing, escapes, 1.0) is not drift.
func TestHandEditedEqualValues(t *testing.T) {
	dir := newFleet(t)
	b := record(t, dir)
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(buf.String(), `"value":["tcp://cp-2:5672"]`, `"value": [ "tcp:\/\/cp-2:5672" ]`, 1)
	edited = strings.Replace(edited, `"value":443`, `"value":4.43e2`, 1)
	if edited == buf.String() {
		t.Fatal("test bug: nothing edited")
	}
	b2, err := Parse([]byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	if got := Changes(b2, load(t, dir), Options{}); len(got) != 0 {
		t.Fatalf("equal hand edit reported as drift: %+v", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(validBaseline))
	f.Add([]byte(`{"version":1,"salt":"x","nodes":[]}`))
	f.Add([]byte(`{"version":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse(data)
		if err != nil {
			if b != nil {
				t.Fatal("baseline and error")
			}
			return
		}
		// What was accepted writes and reads back to the same baseline.
		var buf bytes.Buffer
		if _, err := b.WriteTo(&buf); err != nil {
			t.Fatalf("write accepted baseline: %v", err)
		}
		b2, err := Parse(buf.Bytes())
		if err != nil {
			t.Fatalf("re-read: %v\n%s", err, buf.String())
		}
		var buf2 bytes.Buffer
		if _, err := b2.WriteTo(&buf2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
			t.Fatalf("round trip differs:\n%s\n%s", buf.String(), buf2.String())
		}
	})
}

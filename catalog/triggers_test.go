package catalog

import (
	"fmt"
	"testing"
)

func TestMayInfer(t *testing.T) {
	s := Get("4.4.0", "all")
	if s == nil {
		t.Skip("no 4.4.0 set")
	}
	if !s.MayInfer("server_role") || !s.MayInfer("type") {
		t.Error("server.server_role and database.*.type are infer.json triggers")
	}
	if s.MayInfer("hostname") {
		t.Error("server.hostname triggers no inference")
	}
}

// TestInferredByAgrees: the indexed lookup gives what Inferred gives, for
// every trigger and value of every set, and for keys that trigger nothing.
func TestInferredByAgrees(t *testing.T) {
	n := 0
	for _, v := range Versions() {
		for _, d := range Dists(v) {
			s := Get(v, d)
			for trig, byVal := range s.inferences() {
				key := trig
				if trig == "database.*.type" {
					key = "database.apim_db.type"
				}
				for val := range byVal {
					a, b := s.Inferred(key, val), s.InferredBy(key, val)
					if fmt.Sprint(a) != fmt.Sprint(b) {
						t.Errorf("%s/%s %s = %q: Inferred %v, InferredBy %v", v, d, key, val, a, b)
					}
					n++
				}
				if s.InferredBy(key, "no-such-value") != nil {
					t.Errorf("%s/%s %s: an unknown value infers", v, d, key)
				}
			}
			if s.InferredBy("server.hostname", "x") != nil || s.InferredBy("", "") != nil {
				t.Errorf("%s/%s: a key that is no trigger infers", v, d)
			}
		}
	}
	if n == 0 {
		t.Fatal("no inference compared")
	}
}

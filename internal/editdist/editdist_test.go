package editdist

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"lint", "lint", 0}, {"lnit", "lint", 1}, {"pasword", "password", 1},
		{"event_listning_endpoints", "event_listening_endpoints", 1}, {"tipe", "type", 1},
		{"kitten", "sitting", 3}, {"", "abc", 3}, {"ca", "abc", 3},
	} {
		if got := Distance(c.a, c.b); got != c.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
		if got := Bounded(c.a, c.b, 1); (c.d <= 1 && got != c.d) || (c.d > 1 && got != 2) {
			t.Errorf("Bounded(%q, %q, 1) = %d (distance %d)", c.a, c.b, got, c.d)
		}
	}
}

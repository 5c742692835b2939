package effective

import "testing"

func TestSameText(t *testing.T) {
	cases := []struct {
		a, b, unit string
		same       bool
	}{
		{"true", "true", "", true},
		{"2", "2.0", "", true},
		{"8", "8", "", true},
		{"2", "3", "", false},
		{"HYBRID", "hybrid", "", false},
		{"2m", "120", "time:s", true},
		{"2s", "2000", "time:ms", true},
		{"1m", "60000", "time:ms", true},
		{"10 s", "10000", "time:ms", true},
		{"1m", "30", "time:s", false},       // heartbeat.notify_interval: 60 s is not 30 s
		{"30d", "2629800", "time:s", false}, // 30 days is not one average month
		{"15m", "15", "time:m", true},
		{"1h", "60min", "time:m", true},
		{"2x", "2", "time:s", false},
		{"2m", "120", "", false}, // no unit: only text or numbers
	}
	for _, c := range cases {
		if got := SameText(c.a, c.b, c.unit); got != c.same {
			t.Errorf("SameText(%q, %q, %q) = %v", c.a, c.b, c.unit, got)
		}
	}
}

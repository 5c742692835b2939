package lint

import "testing"

func TestNamesNode(t *testing.T) {
	for _, c := range []struct {
		msg, name string
		want      bool
	}{
		{"event_duplicate_url of apim/deployment/acp-1 does not name", "apim/deployment/acp-1", true},
		{"points at apim/deployment/acp-1", "apim/deployment/acp-1", true},
		{"points at apim/deployment/acp-10 and apim/deployment/acp-1.", "apim/deployment/acp-1", true},
		{"points at apim/deployment/acp-10", "apim/deployment/acp-1", false},
		{"points at apim/deployment/acp-1#2", "apim/deployment/acp-1", false},
		{"nothing", "apim/deployment/acp-1", false},
	} {
		if got := namesNode(c.msg, c.name); got != c.want {
			t.Errorf("namesNode(%q, %q) = %v", c.msg, c.name, got)
		}
	}
}

package rules

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

// categories are the parts of a fleet a rule can judge (lint.Rule.Category).
var categories = []string{"syntax", "config", "placeholders", "schema", "roles", "topology", "consistency", "hardening"}

// TestRuleMetadata: every rule has a known category, hardening rules are
// security rules, and every rule's documentation URL lands on an anchor
// the README really has.
func TestRuleMetadata(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range All() {
		if !slices.Contains(categories, r.Category) {
			t.Errorf("rule %s: category %q is not one of %v", r.ID, r.Category, categories)
		}
		if r.Category == "hardening" && !r.Security() {
			t.Errorf("rule %s is a hardening rule without the %q tag", r.ID, lint.TagSecurity)
		}
		u := lint.RuleDocURL(r.ID)
		_, anchor, ok := strings.Cut(u, "#")
		if !ok || !strings.Contains(string(readme), `<a id="`+anchor+`"></a>`) {
			t.Errorf("rule %s: doc URL %s has no anchor in README.md", r.ID, u)
		}
	}
	if !DefaultAdminPassword.Security() || HAPeerDrift.Security() {
		t.Errorf("security tags: default-admin-password %v, ha-peer-drift %v", DefaultAdminPassword.Security(), HAPeerDrift.Security())
	}
}

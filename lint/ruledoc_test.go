package lint

import (
	"slices"
	"testing"
)

func TestRuleDocURL(t *testing.T) {
	if got, want := RuleDocURL("plaintext-secret"), "https://github.com/apimlint/apimlint/blob/main/README.md#rule-plaintext-secret"; got != want {
		t.Errorf("RuleDocURL = %s, want %s", got, want)
	}
	if got, want := ExpandRuleDocURL("https://docs.example.com/rules/{id}.html", "a b"), "https://docs.example.com/rules/a%20b.html"; got != want {
		t.Errorf("ExpandRuleDocURL = %s, want %s", got, want)
	}
	for _, bad := range []string{"https://docs.example.com/rules", "rules/{id}", "%zz{id}"} {
		if CheckRuleDocsTemplate(bad) == nil {
			t.Errorf("CheckRuleDocsTemplate(%q) accepted it", bad)
		}
	}
	if err := CheckRuleDocsTemplate("https://wiki.example.com/apimlint#{id}"); err != nil {
		t.Error(err)
	}
}

func TestRuleLabels(t *testing.T) {
	r := &Rule{Category: "hardening", Tags: []string{TagSecurity, "hardening"}}
	if got := r.Labels(); !slices.Equal(got, []string{"hardening", "security"}) || !r.Security() {
		t.Errorf("Labels = %v, Security = %v", got, r.Security())
	}
	if (&Rule{}).Security() || len((&Rule{}).Labels()) != 0 {
		t.Error("an untagged rule has labels")
	}
}

package lint

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// TagSecurity marks a rule whose findings are security weaknesses (default
// credentials, plain-text secrets, unencrypted brokers): code scanning
// files them as security alerts.
const TagSecurity = "security"

// DefaultRuleDocsTemplate is where a rule's documentation lives: its row
// in the README's rule table, which carries an anchor rule-ID. {id} is
// replaced with the rule ID.
const DefaultRuleDocsTemplate = "https://github.com/apimlint/apimlint/blob/main/README.md#rule-{id}"

// RuleDocURL returns the stable documentation URL of a rule under the
// default template.
func RuleDocURL(id string) string { return ExpandRuleDocURL(DefaultRuleDocsTemplate, id) }

// ExpandRuleDocURL fills a documentation URL template (one with {id}) for
// a rule; an empty template means the default.
func ExpandRuleDocURL(template, id string) string {
	if template == "" {
		template = DefaultRuleDocsTemplate
	}
	return strings.ReplaceAll(template, "{id}", url.PathEscape(id))
}

// CheckRuleDocsTemplate reports whether a template can make a URL per rule.
func CheckRuleDocsTemplate(template string) error {
	if !strings.Contains(template, "{id}") {
		return fmt.Errorf("rule docs URL template %q has no {id}", template)
	}
	u, err := url.Parse(strings.ReplaceAll(template, "{id}", "x"))
	if err != nil {
		return fmt.Errorf("rule docs URL template %q: %w", template, err)
	}
	if !u.IsAbs() {
		return fmt.Errorf("rule docs URL template %q is not an absolute URL", template)
	}
	return nil
}

// Security reports whether the rule carries the security tag.
func (r *Rule) Security() bool { return slices.Contains(r.Tags, TagSecurity) }

// Labels returns the rule's category followed by its tags, without
// duplicates: the tags code scanning and GitLab show.
func (r *Rule) Labels() []string {
	var out []string
	if r.Category != "" {
		out = append(out, r.Category)
	}
	for _, t := range r.Tags {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

package main

import "github.com/apimlint/apimlint/lint"

// extraRules documents findings that come from commands other than lint
// (probe), so `apimlint explain` knows them without lint running them.
// Commands append to it in their init.
var extraRules []*lint.Rule

// extraRuleCommand names the command that reports each extra rule.
var extraRuleCommand = map[string]string{}

// addExtraRules records rules reported by command.
func addExtraRules(command string, rs ...*lint.Rule) {
	for _, r := range rs {
		extraRules = append(extraRules, r)
		extraRuleCommand[r.ID] = command
	}
}

// extraRule returns the extra rule with this ID.
func extraRule(id string) (*lint.Rule, bool) {
	for _, r := range extraRules {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

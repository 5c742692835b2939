package main

import "github.com/apimlint/apimlint/lint"

// extraRules documents findings that come from commands other than lint
// (probe), so `apimlint explain` knows them without lint running them.
// Commands append to it in their init.
var extraRules []*lint.Rule

// extraRule returns the extra rule with this ID.
func extraRule(id string) (*lint.Rule, bool) {
	for _, r := range extraRules {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

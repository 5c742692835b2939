// Package rules holds apimlint's checks, one file per rule. Each file
// declares its rule and registers it; All returns them in ID order.
package rules

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/apimlint/apimlint/lint"
)

var (
	mu       sync.Mutex
	registry = map[string]*lint.Rule{}
)

func register(r *lint.Rule) *lint.Rule {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[r.ID]; dup {
		panic("rules: duplicate rule " + r.ID)
	}
	registry[r.ID] = r
	return r
}

// All returns every rule, sorted by ID.
func All() []*lint.Rule {
	mu.Lock()
	defer mu.Unlock()
	out := make([]*lint.Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Get returns the rule with this ID.
func Get(id string) (*lint.Rule, bool) {
	mu.Lock()
	defer mu.Unlock()
	r, ok := registry[id]
	return r, ok
}

// Select returns the rules named by ids (all when empty); an unknown ID is an error.
func Select(ids []string) ([]*lint.Rule, error) {
	if len(ids) == 0 {
		return All(), nil
	}
	var out []*lint.Rule
	var unknown []string
	for _, id := range ids {
		if r, ok := Get(id); ok {
			out = append(out, r)
		} else {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown rule(s) %s; `apimlint rules` lists them", strings.Join(unknown, ", "))
	}
	return out, nil
}

// diagnosticRule reports what the loader found under this rule's ID.
func diagnosticRule(r *lint.Rule) *lint.Rule {
	r.Run = func(p *lint.Pass) {
		for _, n := range p.Fleet.Nodes {
			for _, d := range n.Diagnostics {
				if d.Rule == r.ID {
					p.Report(d)
				}
			}
		}
	}
	return register(r)
}

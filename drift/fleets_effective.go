package drift

import (
	"github.com/apimlint/apimlint/effective"
	"github.com/apimlint/apimlint/lint"
)

// noteText remembers the text of a written scalar under its compared value.
func (kv *keyValues) noteText(compare string, v *lint.Value) {
	if v.Symbolic || v.Kind == lint.KindArray || v.Kind == lint.KindTable {
		return
	}
	if kv.texts == nil {
		kv.texts = map[string]string{}
	}
	kv.texts[compare] = v.Text()
}

// addImplicit adds to each role's values, for every key some node of that
// role writes in either fleet, the values the nodes that leave it out run
// with (their version's default or an inferred value, shown marked
// "(default)"): promoting a key written with its default value changes
// nothing. A node whose value apimlint cannot tell adds nothing, as before.
func addImplicit(pa, pb map[lint.Role]*roleProfile, a, b *lint.Fleet, salt string) {
	for _, side := range []struct {
		f           *lint.Fleet
		mine, other map[lint.Role]*roleProfile
	}{{a, pa, pb}, {b, pb, pa}} {
		res := effective.NewResolver(side.f, nil)
		hide := hostHider(side.f)
		for role, p := range side.mine {
			var keys []string
			for k, kv := range p.keys {
				if kv.writers < p.nodes {
					keys = append(keys, k)
				}
			}
			if o := side.other[role]; o != nil {
				for k := range o.keys {
					if p.keys[k] == nil {
						keys = append(keys, k)
					}
				}
			}
			if len(keys) == 0 {
				continue
			}
			for _, n := range side.f.Nodes {
				if n.Role != role {
					continue
				}
				for _, k := range keys {
					if n.Get(k) != nil {
						continue
					}
					imp, ok := res.Comparable(n, k)
					if !ok {
						continue
					}
					addImplicitValue(p, side.other[role], k, imp, res.Unit(n, k), lint.IsSecretPath(k), salt, hide)
				}
			}
		}
	}
}

// addImplicitValue adds one node's implicit value of key to role profile
// p. Its compared form is that of a written value (of either fleet) WSO2
// reads as the same, else the default's own canonical JSON.
func addImplicitValue(p, other *roleProfile, key string, imp effective.Value, unit string, secretPath bool, salt string, hide func(string) string) {
	kv := p.keys[key]
	if kv == nil {
		kv = &keyValues{}
		p.keys[key] = kv
	}
	var ok, secret bool
	compare := ""
	for _, q := range []*roleProfile{p, other} {
		if q == nil || q.keys[key] == nil {
			continue
		}
		w := q.keys[key]
		secret = secret || w.secret
		for c, text := range w.texts {
			if !ok && effective.SameText(text, imp.Text(), unit) {
				compare, ok = c, true
			}
		}
	}
	secret = secret || secretPath
	if !ok {
		c, err := appendCanonAny(nil, imp.Value)
		if err != nil {
			return
		}
		compare = string(c)
		if secret {
			compare = lint.HashSecret(salt, compare)
		} else {
			compare = hide(compare)
		}
	}
	if secret {
		kv.secret = true
		kv.compare = addSorted(kv.compare, compare)
		return
	}
	kv.compare = addSorted(kv.compare, compare)
	kv.shown = addSorted(kv.shown, hide(showImplicit(imp, false))+" (default)")
}

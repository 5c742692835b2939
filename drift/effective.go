package drift

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/apimlint/apimlint/effective"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// Drift compares effective values: a node that does not write a key runs
// with the value WSO2 infers for it or its version's default, and that
// value, not the absence, is what the other side is compared with. A key
// one side writes and the other leaves to an equal default is no
// difference; one whose default differs says so, and which side relies
// on it.

// implicitOf is the value n runs with for a key it does not write, when
// drift can compare it with a written value: inferred or defaulted, and a
// string, boolean or number. ok is false otherwise (the comparison then
// stays on what is written).
func implicitOf(r *effective.Resolver, n *lint.Node, key string) (effective.Value, bool) {
	if r == nil || n == nil {
		return effective.Value{}, false
	}
	return r.Comparable(n, key)
}

// sameAsImplicit reports whether a written value of key on n is the one
// the node runs with when it leaves the key out. WSO2's templates print
// values as text, so 9443 and "9443", true and "true" are the same, and
// "2m" is 120 for a key unit-resolve.json converts to seconds
// (effective.SameText); a value apimlint cannot resolve (an unset $env{})
// is never the same.
func sameAsImplicit(r *effective.Resolver, n *lint.Node, key string, v *lint.Value, imp effective.Value) bool {
	if v == nil || v.Symbolic || v.Kind == lint.KindArray || v.Kind == lint.KindTable {
		return false
	}
	return v.Text() == imp.Text() || effective.SameText(v.Text(), imp.Text(), r.Unit(n, key))
}

// sameRecordedAsImplicit is sameAsImplicit for a baseline's record.
func sameRecordedAsImplicit(b *Baseline, r *KeyRecord, res *effective.Resolver, n *lint.Node, imp effective.Value) bool {
	switch {
	case r.Secret != "":
		return false // only the form was recorded: equality cannot be shown
	case r.Hash != "":
		if b.key == nil || b.Secrets == secretsSaltedV1 {
			return false
		}
		// The record hashes canon(value) of the written kind: a string
		// default hashes as a JSON string, a number or boolean as written.
		if r.Kind == lint.KindString.String() {
			return b.key.mac(string(appendJSONString(nil, imp.Text()))) == r.Hash
		}
		c, err := appendCanonAny(nil, imp.Value)
		return err == nil && b.key.mac(string(c)) == r.Hash
	}
	if r.Kind == lint.KindArray.String() || r.Kind == lint.KindTable.String() {
		return false
	}
	text := recordedText(r.Value)
	return text == imp.Text() || effective.SameText(text, imp.Text(), res.Unit(n, r.Path))
}

// recordedText is a recorded scalar as text, the way lint.Value.Text
// renders a written one.
func recordedText(raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(raw)
	}
	return effective.Value{Value: v}.Text()
}

// showImplicit renders the value a node runs with for a key it does not
// write; a secret's is never shown.
func showImplicit(v effective.Value, secret bool) string {
	if secret {
		return "a default secret"
	}
	return fmt.Sprintf("%q", v.Text())
}

// describeImplicit says where an implicit value comes from: "the default
// of WSO2 API Manager 4.6.0" or "inferred from server.server_role = …".
func describeImplicit(v effective.Value) string {
	if v.Source == effective.Inferred {
		return "inferred from " + v.From
	}
	return "the default of WSO2 API Manager " + v.From
}

// defaultDiffers words a shown implicit value for a drift message: a
// secret's says only that it differs.
func defaultDiffers(shown string) string {
	if shown == "a default secret" {
		return "a default secret that differs"
	}
	return shown
}

// recordedVersion is the version a baseline records for a node: the one
// it runs for sure (declared, or inferred without doubt), else "".
func recordedVersion(f *lint.Fleet, n *lint.Node) string {
	if v := fleetversion.For(f, n); v.Sure() {
		return v.Candidates[0]
	}
	return ""
}

// thenResolver resolves what a node ran with when the baseline was
// recorded: today's resolver, unless the baseline records another
// version for the node (an upgrade since), whose defaults then apply.
// Inferences and $ref{} defaults follow today's keys.
func thenResolver(now *effective.Resolver, n *lint.Node, rec *NodeRecord) *effective.Resolver {
	if now == nil || rec.Version == "" {
		return now
	}
	v := now.Version(n)
	if v.Sure() && v.Candidates[0] == rec.Version {
		return now
	}
	then := v
	then.Candidates = []string{rec.Version}
	then.Source, then.Why = "baseline", "recorded in the baseline"
	return effective.NewResolver(nil, map[*lint.Node]fleetversion.Version{n: then})
}

package drift

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/apimlint/apimlint/effective"
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

// sameAsImplicit reports whether a written value is the one a node that
// leaves the key out runs with. WSO2's templates print values as text, so
// 9443 and "9443", true and "true" are the same; a value apimlint cannot
// resolve (an unset $env{}) is never the same.
func sameAsImplicit(v *lint.Value, imp effective.Value) bool {
	if v == nil || v.Symbolic || v.Kind == lint.KindArray || v.Kind == lint.KindTable {
		return false
	}
	return v.Text() == imp.Text()
}

// sameRecordedAsImplicit is sameAsImplicit for a baseline's record.
func sameRecordedAsImplicit(b *Baseline, r *KeyRecord, imp effective.Value) bool {
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
	return recordedText(r.Value) == imp.Text()
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

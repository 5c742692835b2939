package tomldoc

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/apimlint/apimlint/wso2"
)

// Key is one key of a node file with its value.
type Key struct {
	// Path is the canonical dotted path: array tables carry their index and
	// segments that are not bare keys are quoted, e.g.
	// event_listener[0].properties."header.X-WSO2-KEY-MANAGER".
	Path string
	at   // where the key is written, in its value's file
	// InArrayTable is set for keys inside [[...]] tables, where WSO2 does
	// not resolve $ref{} placeholders.
	InArrayTable bool
	secret       uint8 // IsSecret, decided at load time
	Value        *Value
}

// Pos returns where the key is written.
func (k *Key) Pos() Position {
	if k.Value == nil {
		return Position{}
	}
	return k.at.in(k.Value.src)
}

// Scalars returns the scalar elements of the key's array, or its value
// itself, without allocating for a scalar. Callers only read the slice.
func (k *Key) Scalars() []*Value {
	if k == nil || k.Value == nil {
		return nil
	}
	if k.Value.Kind != KindArray {
		return unsafe.Slice(&k.Value, 1)
	}
	return k.Value.Scalars()
}

// IsSecret reports whether the key's value must never be shown: by name,
// because it holds a $secret{} reference, or because a URL in it carries
// a password (amqp://user:pass@host).
func (k *Key) IsSecret() bool {
	if k == nil {
		return false
	}
	switch k.secret {
	case secretYes:
		return true
	case secretNo:
		return false
	}
	return k.isSecret()
}

const (
	secretUnknown uint8 = iota
	secretNo
	secretYes
)

// MemoSecret decides IsSecret once, while the node is loaded by one
// goroutine, so that rules running concurrently only read it.
func (k *Key) MemoSecret() {
	k.secret = secretNo
	if k.isSecret() {
		k.secret = secretYes
	}
}

func (k *Key) isSecret() bool {
	if wso2.IsSecretPath(k.Path) {
		return true
	}
	if k.Value == nil {
		return false
	}
	for _, v := range k.Scalars() {
		if v.HasPlaceholderOf(wso2.PlaceholderSecret) {
			return true
		}
		if v.Kind == KindString && (wso2.HasURLPassword(v.Str()) || wso2.HasURLPassword(v.Resolved())) {
			return true
		}
	}
	return false
}

// MarkSecret makes the key a secret whatever its name: its value carries
// another key's secret through a placeholder.
func (k *Key) MarkSecret() { k.secret = secretYes }

// Redact describes a secret without revealing it.
func Redact(s string) string {
	return fmt.Sprintf(`"****" (%d chars)`, len(s))
}

// Show renders a key's resolved value for a message: quoted, or redacted
// when the key is a secret. Placeholders are shown as written, since they
// hold names, not values.
func (k *Key) Show() string {
	if k == nil || k.Value == nil {
		return `""`
	}
	return showValue(k, k.Value)
}

// ShowValue renders one element of the key's value the same way.
func (k *Key) ShowValue(v *Value) string { return showValue(k, v) }

func showValue(k *Key, v *Value) string {
	if k.IsSecret() {
		switch v.Kind {
		case KindString:
			if wso2.IsPurePlaceholder(v.Str()) {
				return fmt.Sprintf("%q", v.Str())
			}
			return Redact(v.Resolved())
		case KindInteger, KindFloat, KindDateTime:
			// password = 123456 is as secret as a string.
			return Redact(v.Str())
		}
	}
	switch v.Kind {
	case KindString:
		return fmt.Sprintf("%q", v.Resolved())
	case KindArray:
		parts := make([]string, 0, len(v.Elems()))
		for _, e := range v.Elems() {
			parts = append(parts, showValue(k, e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return v.Str()
}

// Shape describes a value without revealing it: its type and, for
// strings, whether it is a placeholder, a URL or plain text.
func Shape(v *Value) string {
	if v == nil {
		return "nothing"
	}
	switch v.Kind {
	case KindString:
		if wso2.IsPurePlaceholder(v.Str()) {
			return "a " + wso2.ScanPlaceholders(v.Str())[0].Kind.String() + " placeholder"
		}
		return fmt.Sprintf("a string of %d chars", len(v.Str()))
	case KindArray:
		return fmt.Sprintf("an array of %d", len(v.Elems()))
	}
	return "a " + v.Kind.String()
}

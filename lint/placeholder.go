package lint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/wso2"
)

// ResolveOptions supplies values for symbolic placeholders.
type ResolveOptions struct {
	Env map[string]string // $env{VAR}
	Sys map[string]string // $sys{prop}
}

type resolver struct {
	n        *Node
	opts     ResolveOptions
	runtime  map[string]string
	diagnose bool
}

// resolve fills Resolved, Symbolic and Placeholders of every string value
// of the node and records unresolved-placeholder diagnostics.
func resolveNode(n *Node, opts ResolveOptions) {
	r := &resolver{n: n, opts: opts, diagnose: true}
	// The offset and the admin credentials feed ${} properties, so they are
	// resolved first, without ${} (WSO2 resolves them without it too).
	for _, k := range n.Keys {
		r.resolveValue(k, k.Value)
	}
}

func (r *resolver) runtimeProps() map[string]string {
	if r.runtime != nil {
		return r.runtime
	}
	off := r.n.Offset
	host := "localhost"
	if v := r.n.Value("server.hostname"); v != nil && v.Kind == KindString {
		r.resolveValue(r.n.Get("server.hostname"), v)
		if !v.Symbolic && v.Resolved != "" {
			host = v.Resolved
		}
	}
	p := map[string]string{
		"carbon.protocol":          "https",
		"carbon.host":              host,
		"carbon.management.port":   strconv.Itoa(PortMgtHTTPS + off),
		"mgt.transport.https.port": strconv.Itoa(PortMgtHTTPS + off),
		"mgt.transport.http.port":  strconv.Itoa(PortMgtHTTP + off),
		"http.nio.port":            strconv.Itoa(PortNIOHTTP + off),
		"https.nio.port":           strconv.Itoa(PortNIOHTTPS + off),
		"carbon.context":           "/",
	}
	r.runtime = p
	for _, name := range []string{"username", "password"} {
		v := r.n.Value("super_admin." + name)
		switch {
		case v == nil:
			p["admin."+name] = wso2.RefDefaults["super_admin."+name]
		case v.Kind == KindString:
			r.resolveValue(r.n.Get("super_admin."+name), v)
			if !v.Symbolic {
				p["admin."+name] = v.Resolved
			}
		default:
			p["admin."+name] = v.Str
		}
	}
	return p
}

func (r *resolver) resolveValue(k *Key, v *Value) {
	if v == nil {
		return
	}
	if v.Kind == KindArray {
		for _, e := range v.Elems {
			r.resolveValue(k, e)
		}
		return
	}
	if v.Kind != KindString || v.state == 2 {
		return
	}
	if strings.IndexByte(v.Str, '$') < 0 {
		v.Resolved = v.Str
		v.state = 2
		return
	}
	if v.state == 1 {
		return // cycle: reported by the $ref that closes it
	}
	v.state = 1
	phs := ScanPlaceholders(v.Str)
	if len(phs) == 0 {
		v.Resolved = v.Str
		v.state = 2
		return
	}
	var sb strings.Builder
	last := 0
	symbolic := false
	for i := range phs {
		ph := &phs[i]
		sb.WriteString(v.Str[last:ph.Start])
		last = ph.Start + len(ph.Text)
		val, st := r.placeholder(k, v, ph)
		switch st {
		case phKnown:
			ph.Known = true
			sb.WriteString(val)
		case phSymbolic:
			symbolic = true
			sb.WriteString(val)
		default:
			symbolic = true
			sb.WriteString(ph.Text)
		}
	}
	sb.WriteString(v.Str[last:])
	v.Resolved = sb.String()
	v.Symbolic = symbolic
	v.Placeholders = phs
	v.state = 2
}

type phState uint8

const (
	phUnresolved phState = iota // keep the placeholder text
	phKnown                     // substituted by a static value
	phSymbolic                  // substituted by text that still holds placeholders
)

func known(val string, ok bool) (string, phState) {
	if ok {
		return val, phKnown
	}
	return "", phUnresolved
}

func (r *resolver) placeholder(k *Key, v *Value, ph *Placeholder) (string, phState) {
	switch ph.Kind {
	case PlaceholderRuntime:
		val, ok := r.runtimeProps()[ph.Name]
		return known(val, ok)
	case PlaceholderEnv:
		val, ok := r.opts.Env[ph.Name]
		return known(val, ok)
	case PlaceholderSys:
		val, ok := r.opts.Sys[ph.Name]
		return known(val, ok)
	case PlaceholderSecret:
		if ph.Name == "" {
			r.report(k, v, ph, "%s names no alias", ph.Text)
			return "", phUnresolved
		}
		if r.n.Value(joinPath("secrets", ph.Name)) == nil && !r.runtimeSecrets() {
			r.report(k, v, ph, "%s: alias %q is not defined under [secrets] (and [runtime_secrets] is not enabled); WSO2 refuses to start", ph.Text, ph.Name)
		}
		return "", phUnresolved
	case PlaceholderConf:
		r.report(k, v, ph, "%s is an old form that WSO2 never resolves; use $ref{%s}", ph.Text, ph.Name)
		return "", phUnresolved
	case PlaceholderRef:
		return r.ref(k, v, ph)
	}
	return "", phUnresolved
}

func (r *resolver) runtimeSecrets() bool {
	b, _ := r.n.Value("runtime_secrets.enable").Truthy()
	return b
}

func (r *resolver) ref(k *Key, v *Value, ph *Placeholder) (string, phState) {
	if k.InArrayTable {
		table := k.Path
		if i := strings.IndexByte(table, '['); i >= 0 {
			table = table[:i]
		}
		r.report(k, v, ph, "%s inside [[%s]] is never resolved: WSO2 does not resolve $ref{} in arrays of tables, so the literal text reaches the generated config; write the value itself", ph.Text, table)
		return "", phUnresolved
	}
	target := r.n.Get(ph.Name)
	if target == nil {
		if def, ok := wso2.RefDefaults[ph.Name]; ok {
			return def, phKnown
		}
		r.report(k, v, ph, "%s refers to %s, which this file does not set and WSO2 has no default for", ph.Text, ph.Name)
		return "", phUnresolved
	}
	tv := target.Value
	if tv.Kind == KindArray {
		r.report(k, v, ph, "%s refers to an array; WSO2 only substitutes scalar values", ph.Text)
		return "", phUnresolved
	}
	if tv.Kind != KindString {
		return tv.Str, phKnown
	}
	if tv.state == 1 {
		r.report(k, v, ph, "%s is part of a reference cycle through %s; WSO2 fails to start", ph.Text, ph.Name)
		return "", phUnresolved
	}
	r.resolveValue(target, tv)
	if !tv.Symbolic {
		return tv.Resolved, phKnown
	}
	for _, tp := range tv.Placeholders {
		if !tp.Known && (tp.Kind == PlaceholderRef || tp.Kind == PlaceholderConf) {
			if tp.Kind == PlaceholderRef && tp.Name == k.Path {
				// A two-key cycle: the other key reported closing it; this
				// one is as broken.
				r.report(k, v, ph, "%s is part of a reference cycle through %s; WSO2 fails to start", ph.Text, ph.Name)
			}
			return "", phUnresolved // the broken link is reported where it is
		}
	}
	return tv.Resolved, phSymbolic
}

func (r *resolver) report(k *Key, v *Value, ph *Placeholder, format string, args ...any) {
	if !r.diagnose {
		return
	}
	pos := placeholderPos(v, ph)
	r.n.Diagnostics = append(r.n.Diagnostics, Finding{
		Rule:     RuleUnresolvedPlaceholder,
		Severity: SeverityError,
		Node:     r.n.Name,
		File:     pos.File,
		Line:     pos.Line,
		Column:   pos.Column,
		Key:      k.Path,
		Message:  fmt.Sprintf(format, args...),
	})
}

// IDs of the rules whose findings the loader produces.
const (
	RuleTOMLSyntax            = "toml-syntax"
	RuleUnresolvedPlaceholder = "unresolved-placeholder"
	RuleRoleUnknown           = "role-unknown"
)

// placeholderPos is where a placeholder stands in the file: the same
// occurrence in the raw text as in the decoded string (the two differ by
// quotes and escapes), across the lines of a multi-line string.
func placeholderPos(v *Value, ph *Placeholder) Position {
	pos := v.Pos
	nth := strings.Count(v.Str[:ph.Start], ph.Text)
	idx := -1
	for from := 0; nth >= 0; nth-- {
		i := strings.Index(v.Raw[from:], ph.Text)
		if i < 0 {
			return pos
		}
		idx = from + i
		from = idx + len(ph.Text)
	}
	if nl := strings.LastIndexByte(v.Raw[:idx], '\n'); nl >= 0 {
		pos.Line += strings.Count(v.Raw[:idx], "\n")
		pos.Column = idx - nl
	} else {
		pos.Column += idx
	}
	return pos
}

// Package placeholder resolves WSO2's placeholders in a node file as far
// as they can be known without running the node: $ref{} to other keys of
// the file and WSO2's defaults, ${} Carbon properties (host, ports after
// the offset, admin credentials), $env{} and $sys{} from given values.
// $secret{}, unknown ${} and unset $env{}/$sys{} stay symbolic. It
// reports the placeholders that can never work (a $ref{} to nothing, a
// cycle, $ref{} inside an array of tables, $conf{}).
package placeholder

import (
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/internal/tomldoc"
	"github.com/apimlint/apimlint/wso2"
)

// Options supply values for symbolic placeholders.
type Options struct {
	Env map[string]string // $env{VAR}
	Sys map[string]string // $sys{prop}
}

// File is what resolution reads of a node file: its keys in file order,
// a key by canonical path, and the port offset that ${} ports include.
type File struct {
	Keys   []*tomldoc.Key
	Get    func(path string) *tomldoc.Key
	Offset int
}

func (f File) value(path string) *tomldoc.Value {
	if k := f.Get(path); k != nil {
		return k.Value
	}
	return nil
}

// Problem is a placeholder that cannot work as written: WSO2 refuses to
// start, or the literal text reaches the generated configuration.
type Problem struct {
	Key     *tomldoc.Key
	Pos     tomldoc.Position
	Message string
	// Absent is set when the problem is that the file lacks something (a
	// [secrets] alias, the key a $ref{} names): a judgement on the whole
	// file, which a file read only up to a syntax error cannot support.
	Absent bool
	// Placeholder is the placeholder's text when Absent is set
	// ("$secret{alias}", "$ref{a.b}").
	Placeholder string
}

// Peek resolves one key's value alone and reports nothing: the offset is
// read before the rest of the file, since ${} ports depend on it. The value
// is marked unresolved again, so that Resolve reports its problems once.
func Peek(f File, k *tomldoc.Key) {
	if k == nil || k.Value == nil {
		return
	}
	r := &resolver{n: f}
	r.resolveValue(k, k.Value)
	k.Value.Resolution = tomldoc.Unresolved
}

type resolver struct {
	n        File
	opts     Options
	runtime  map[string]string
	problems []Problem
}

// MaxResolved bounds the length of a value after resolution. Real values
// are host names, URLs and passwords; a few lines of $ref{}s that each
// double the one before would otherwise resolve to gigabytes. A value
// that would grow beyond it stays unresolved, with a problem.
const MaxResolved = 64 << 10

// Resolve fills Resolved, Symbolic and Placeholders of every string value
// of the file, as WSO2's config mapper would where the value can be known
// statically, and returns the placeholders that can never work.
func Resolve(f File, opts Options) []Problem {
	r := &resolver{n: f, opts: opts}
	for _, k := range f.Keys {
		r.resolveValue(k, k.Value)
	}
	return r.problems
}

// basePort is the port the file moves a service to (wso2.PortKeys), or
// its default: ${mgt.transport.https.port} follows Tomcat's connector.
func (r *resolver) basePort(def int) int {
	for _, key := range wso2.PortKeys[def] {
		k := r.n.Get(key)
		if k == nil || k.Value == nil {
			continue
		}
		r.resolveValue(k, k.Value)
		if p, ok := k.Value.Port(); ok {
			return p
		}
	}
	return def
}

func (r *resolver) runtimeProps() map[string]string {
	if r.runtime != nil {
		return r.runtime
	}
	off := r.n.Offset
	host := "localhost"
	if v := r.n.value("server.hostname"); v != nil && v.Kind == tomldoc.KindString {
		r.resolveValue(r.n.Get("server.hostname"), v)
		switch {
		case v.Resolution != tomldoc.Resolved:
			// hostname = "${carbon.host}": carbon.host is the hostname
			// itself; it cannot be known.
			host = ""
		case r.fromSecret(v, 0):
			// hostname = "$ref{super_admin.password}": the password must
			// not spread into every ${carbon.host} URL (probe lists them).
			host = ""
		case !v.Symbolic && v.Resolved() != "":
			host = v.Resolved()
		}
	}
	p := make(map[string]string, len(wso2.RuntimeProperties)+len(wso2.RuntimePortProperties)+1)
	maps.Copy(p, wso2.RuntimeProperties)
	for name, port := range wso2.RuntimePortProperties {
		p[name] = strconv.Itoa(r.basePort(port) + off)
	}
	if host != "" {
		p["carbon.host"] = host
	}
	// The machine's address: the node's stated node_ip, or the node
	// itself as localhost is.
	p[wso2.RuntimeLocalIP] = "localhost"
	if v := r.n.value("server.node_ip"); v != nil && v.Kind == tomldoc.KindString {
		r.resolveValue(r.n.Get("server.node_ip"), v)
		if v.Resolution == tomldoc.Resolved && !v.Symbolic && v.Resolved() != "" && !r.fromSecret(v, 0) {
			p[wso2.RuntimeLocalIP] = v.Resolved()
		}
	}
	r.runtime = p
	for _, name := range []string{"username", "password"} {
		v := r.n.value("super_admin." + name)
		switch {
		case v == nil:
			p["admin."+name] = wso2.RefDefaults["super_admin."+name]
		case v.Kind == tomldoc.KindString:
			r.resolveValue(r.n.Get("super_admin."+name), v)
			if !v.Symbolic {
				p["admin."+name] = v.Resolved()
			}
		default:
			p["admin."+name] = v.Str()
		}
	}
	return p
}

// fromSecret reports whether a resolved value took any of its text from
// a secret, through $ref{} chains or ${admin.password}.
func (r *resolver) fromSecret(v *tomldoc.Value, depth int) bool {
	if v == nil || depth > 8 {
		return false
	}
	for ph := range v.AllPlaceholders() {
		switch {
		case !ph.Known:
		case ph.Kind == wso2.PlaceholderRuntime && ph.Name == "admin.password":
			return true
		case ph.Kind == wso2.PlaceholderRef:
			if wso2.IsSecretPath(ph.Name) || r.fromSecret(r.n.value(ph.Name), depth+1) {
				return true
			}
		}
	}
	return false
}

func (r *resolver) resolveValue(k *tomldoc.Key, v *tomldoc.Value) {
	if v == nil {
		return
	}
	if v.Kind == tomldoc.KindArray {
		for _, e := range v.Elems() {
			r.resolveValue(k, e)
		}
		return
	}
	if v.Kind != tomldoc.KindString || v.Resolution == tomldoc.Resolved {
		return
	}
	if strings.IndexByte(v.Str(), '$') < 0 {
		v.SetResolved(v.Str(), nil)
		v.Resolution = tomldoc.Resolved
		return
	}
	if v.Resolution == tomldoc.Resolving {
		return // cycle: reported by the $ref that closes it
	}
	v.Resolution = tomldoc.Resolving
	var buf [4]wso2.Placeholder
	phs := wso2.AppendPlaceholders(buf[:0], v.Str())
	if len(phs) == 0 {
		v.SetResolved(v.Str(), nil)
		v.Resolution = tomldoc.Resolved
		return
	}
	var sb strings.Builder
	last := 0
	symbolic := false
	for i := range phs {
		ph := &phs[i]
		sb.WriteString(v.Str()[last:ph.Start])
		last = ph.Start + len(ph.Text)
		val, st := r.placeholder(k, v, ph)
		if st != phUnresolved && sb.Len()+len(val)+len(v.Str())-last > max(MaxResolved, len(v.Str())) {
			r.tooLong(k, v, phs)
			return
		}
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
	sb.WriteString(v.Str()[last:])
	v.SetResolved(sb.String(), phs)
	v.Symbolic = symbolic
	v.Resolution = tomldoc.Resolved
}

// tooLong leaves a value whose resolution would pass MaxResolved as
// written: symbolic, none of its placeholders known, so that values that
// refer to it stay unresolved too instead of growing further.
func (r *resolver) tooLong(k *tomldoc.Key, v *tomldoc.Value, phs []wso2.Placeholder) {
	for i := range phs {
		phs[i].Known = false
	}
	v.SetResolved(v.Str(), phs)
	v.Symbolic = true
	v.Resolution = tomldoc.Resolved
	r.problems = append(r.problems, Problem{Key: k, Pos: v.Pos(),
		Message: fmt.Sprintf("the placeholders of %s expand it to more than %d bytes; apimlint leaves it unresolved (WSO2 would build a value of that size at every start)", k.Path, MaxResolved)})
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

func (r *resolver) placeholder(k *tomldoc.Key, v *tomldoc.Value, ph *wso2.Placeholder) (string, phState) {
	switch ph.Kind {
	case wso2.PlaceholderRuntime:
		val, ok := r.runtimeProps()[ph.Name]
		return known(val, ok)
	case wso2.PlaceholderEnv:
		val, ok := r.opts.Env[ph.Name]
		return known(val, ok)
	case wso2.PlaceholderSys:
		val, ok := r.opts.Sys[ph.Name]
		return known(val, ok)
	case wso2.PlaceholderSecret:
		if ph.Name == "" {
			r.report(k, v, ph, "%s names no alias", ph.Text)
			return "", phUnresolved
		}
		if r.n.value(tomldoc.JoinPath("secrets", ph.Name)) == nil && !r.runtimeSecrets() {
			r.reportAbsent(k, v, ph, "%s: alias %q is not defined under [secrets] (and [runtime_secrets] is not enabled); WSO2 refuses to start", ph.Text, ph.Name)
		}
		return "", phUnresolved
	case wso2.PlaceholderConf:
		r.report(k, v, ph, "%s is an old form that WSO2 never resolves; use $ref{%s}", ph.Text, ph.Name)
		return "", phUnresolved
	case wso2.PlaceholderRef:
		return r.ref(k, v, ph)
	}
	return "", phUnresolved
}

func (r *resolver) runtimeSecrets() bool {
	b, _ := r.n.value("runtime_secrets.enable").Truthy()
	return b
}

func (r *resolver) ref(k *tomldoc.Key, v *tomldoc.Value, ph *wso2.Placeholder) (string, phState) {
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
		r.reportAbsent(k, v, ph, "%s refers to %s, which this file does not set and WSO2 has no default for", ph.Text, ph.Name)
		return "", phUnresolved
	}
	tv := target.Value
	if tv.Kind == tomldoc.KindArray {
		r.report(k, v, ph, "%s refers to an array; WSO2 only substitutes scalar values", ph.Text)
		return "", phUnresolved
	}
	if tv.Kind != tomldoc.KindString {
		return tv.Str(), phKnown
	}
	if tv.Resolution == tomldoc.Resolving {
		r.report(k, v, ph, "%s is part of a reference cycle through %s; WSO2 fails to start", ph.Text, ph.Name)
		return "", phUnresolved
	}
	r.resolveValue(target, tv)
	if !tv.Symbolic {
		return tv.Resolved(), phKnown
	}
	for tp := range tv.AllPlaceholders() {
		if !tp.Known && (tp.Kind == wso2.PlaceholderRef || tp.Kind == wso2.PlaceholderConf) {
			if tp.Kind == wso2.PlaceholderRef && tp.Name == k.Path {
				// A two-key cycle: the other key reported closing it; this
				// one is as broken.
				r.report(k, v, ph, "%s is part of a reference cycle through %s; WSO2 fails to start", ph.Text, ph.Name)
			}
			return "", phUnresolved // the broken link is reported where it is
		}
	}
	return tv.Resolved(), phSymbolic
}

func (r *resolver) report(k *tomldoc.Key, v *tomldoc.Value, ph *wso2.Placeholder, format string, args ...any) {
	r.problems = append(r.problems, Problem{Key: k, Pos: placeholderPos(v, ph), Message: fmt.Sprintf(format, args...)})
}

// reportAbsent reports a placeholder that names something the file lacks.
func (r *resolver) reportAbsent(k *tomldoc.Key, v *tomldoc.Value, ph *wso2.Placeholder, format string, args ...any) {
	r.report(k, v, ph, format, args...)
	r.problems[len(r.problems)-1].Absent = true
	r.problems[len(r.problems)-1].Placeholder = ph.Text
}

// placeholderPos is where a placeholder stands in the file: the same
// occurrence in the raw text as in the decoded string (the two differ by
// quotes and escapes), across the lines of a multi-line string.
func placeholderPos(v *tomldoc.Value, ph *wso2.Placeholder) tomldoc.Position {
	pos := v.Pos()
	nth := strings.Count(v.Str()[:ph.Start], ph.Text)
	idx := -1
	for from := 0; nth >= 0; nth-- {
		i := strings.Index(v.Raw()[from:], ph.Text)
		if i < 0 {
			return pos
		}
		idx = from + i
		from = idx + len(ph.Text)
	}
	if nl := strings.LastIndexByte(v.Raw()[:idx], '\n'); nl >= 0 {
		pos.Line += strings.Count(v.Raw()[:idx], "\n")
		pos.Column = idx - nl
	} else {
		pos.Column += idx
	}
	return pos
}

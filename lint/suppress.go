package lint

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// RuleUnusedSuppression reports suppressions that are malformed, lack a
// reason, have expired, or hide nothing.
const RuleUnusedSuppression = "unused-suppression"

// Suppression is one ignore directive: an inline `# apimlint:ignore`
// comment, a file-wide `# apimlint:ignore-file`, or a [[ignore]] entry of
// the fleet config.
type Suppression struct {
	Rules  []string
	Reason string
	// Until is the last day the suppression holds (zero: forever);
	// UntilText is how it was written.
	Until     time.Time
	UntilText string
	// WholeFile is set for ignore-file directives.
	WholeFile bool
	// Node is the node whose comment this is; nil for config ignores.
	Node *Node
	// Pos is where the directive is written (the comment, or the
	// [[ignore]] header in the fleet config).
	Pos Position
	// Lines are the lines an inline directive covers: its own and, for a
	// comment on a line of its own, the next line that is not a comment.
	Lines []int
	// Key is the key written on the covered line, so that a finding on a
	// later line of a multi-line value is covered too.
	Key string
	// Config is the [[ignore]] entry, for config ignores.
	Config *IgnoreConfig
	// Problems say why the directive is malformed; a malformed directive
	// hides nothing.
	Problems []string
	// Misplaced is set for an ignore-file directive below the first table
	// or key: it hides nothing.
	Misplaced bool
}

// Text is the directive as a user would recognise it in a message.
func (s *Suppression) Text() string {
	if s.Config != nil {
		return fmt.Sprintf("[[ignore]] rule = %q", s.Config.Rule)
	}
	word := "apimlint:ignore"
	if s.WholeFile {
		word = "apimlint:ignore-file"
	}
	return word + " " + strings.Join(s.Rules, ",")
}

// Expired reports whether the suppression no longer holds on day now.
func (s *Suppression) Expired(now time.Time) bool {
	if s.Until.IsZero() {
		return false
	}
	y, m, d := now.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return today.After(s.Until)
}

// Active reports whether the suppression hides findings on day now: it is
// well formed, in its place, and not expired. A missing reason is reported
// but does not stop it from working.
func (s *Suppression) Active(now time.Time) bool {
	return len(s.Problems) == 0 && !s.Misplaced && !s.Expired(now)
}

// HasRule reports whether the suppression names the rule.
func (s *Suppression) HasRule(id string) bool {
	for _, r := range s.Rules {
		if r == id {
			return true
		}
	}
	return false
}

// Covers reports whether the suppression's place covers the finding (its
// rule aside).
func (s *Suppression) Covers(f *Finding) bool {
	if s.Config != nil {
		return s.Config.covers(f)
	}
	if s.Node == nil || f.File != s.Node.File || (f.Node != "" && f.Node != s.Node.Name) {
		return false
	}
	if s.WholeFile {
		return true
	}
	for _, l := range s.Lines {
		if f.Line == l {
			return true
		}
	}
	return s.Key != "" && f.Key == s.Key
}

func (c *IgnoreConfig) covers(f *Finding) bool {
	if p := strings.TrimPrefix(c.Path, "./"); p != "" {
		if !MatchNodePath(p, f.Node) && !MatchGlob(p, strings.TrimPrefix(f.File, "./")) {
			return false
		}
	}
	if c.Key != "" && f.Key != c.Key && !isBelow(f.Key, c.Key) {
		if ok, _ := path.Match(c.Key, f.Key); !ok {
			return false
		}
	}
	return true
}

// directivePrefix starts every suppression comment.
const directivePrefix = "apimlint:"

// NodeSuppressions reads the ignore directives in a node's comments.
func NodeSuppressions(n *Node) []*Suppression {
	var out []*Suppression
	firstContent := -1 // made on first use: positions are worked out when asked for
	var content []int  // lines that are neither blank nor a comment, made on first use
	var keyAt map[int]string
	for _, c := range n.Comments {
		word, rest, ok := cutDirective(c.Text)
		if !ok {
			continue
		}
		s := &Suppression{Node: n, Pos: c.Pos, WholeFile: word == "ignore-file"}
		s.parse(rest)
		if s.WholeFile {
			if firstContent < 0 {
				firstContent = firstContentLine(n)
			}
			s.Misplaced = firstContent > 0 && c.Pos.Line > firstContent
		} else {
			s.Lines = []int{c.Pos.Line}
			if content == nil {
				// Once per file, not per directive: 20k directives would
				// otherwise split the file 20k times.
				content = contentLines(n.Src)
				keyAt = make(map[int]string, len(n.Keys))
				for _, k := range n.Keys {
					if _, ok := keyAt[k.Pos().Line]; !ok {
						keyAt[k.Pos().Line] = k.Path
					}
				}
			}
			if !c.Trailing {
				if next := nextIn(content, c.Pos.Line); next > 0 {
					s.Lines = append(s.Lines, next)
				}
			}
			s.Key = keyAt[s.Lines[len(s.Lines)-1]]
		}
		out = append(out, s)
	}
	return out
}

// cutDirective recognises `apimlint:ignore ...` and
// `apimlint:ignore-file ...` (a space after the colon is tolerated).
func cutDirective(text string) (word, rest string, ok bool) {
	t, ok := strings.CutPrefix(strings.TrimSpace(text), directivePrefix)
	if !ok {
		return "", "", false
	}
	t = strings.TrimLeft(t, " \t")
	for _, w := range []string{"ignore-file", "ignore"} {
		if r, ok := strings.CutPrefix(t, w); ok && (r == "" || r[0] == ' ' || r[0] == '\t') {
			return w, r, true
		}
	}
	return "", "", false
}

// parse reads `RULE[,RULE] -- reason [until=YYYY-MM-DD]`.
func (s *Suppression) parse(rest string) {
	ruleText, reason, _ := strings.Cut(rest, "--")
	for _, r := range strings.Split(ruleText, ",") {
		if r = strings.TrimSpace(r); r != "" {
			s.Rules = append(s.Rules, r)
		}
	}
	if len(s.Rules) == 0 {
		s.Problems = append(s.Problems, "names no rule")
	}
	for _, r := range s.Rules {
		if strings.ContainsAny(r, " \t") {
			s.Problems = append(s.Problems, fmt.Sprintf("rule list %q is not RULE[,RULE] (reasons go after --)", strings.TrimSpace(ruleText)))
			break
		}
	}
	fields := strings.Fields(reason)
	if n := len(fields); n > 0 && strings.HasPrefix(fields[n-1], "until=") {
		s.setUntil(strings.TrimPrefix(fields[n-1], "until="))
		fields = fields[:n-1]
	}
	s.Reason = strings.Join(fields, " ")
}

func (s *Suppression) setUntil(text string) {
	s.UntilText = text
	t, err := time.Parse("2006-01-02", text)
	if err != nil {
		s.Problems = append(s.Problems, fmt.Sprintf("until=%s is not a date (want until=YYYY-MM-DD)", text))
		return
	}
	s.Until = t
}

// firstContentLine is the line of the first table header or key (0 when
// the file has neither).
func firstContentLine(n *Node) int {
	first := 0
	for _, t := range n.Tables {
		if first == 0 || t.Pos().Line < first {
			first = t.Pos().Line
		}
	}
	for _, k := range n.Keys {
		if first == 0 || k.Pos().Line < first {
			first = k.Pos().Line
		}
	}
	return first
}

// contentLines lists, in order, the lines that are neither blank nor a
// comment.
func contentLines(src []byte) []int {
	out := []int{}
	for i, l := range bytes.Split(src, []byte("\n")) {
		t := bytes.TrimSpace(l)
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		out = append(out, i+1)
	}
	return out
}

// nextIn is the first line of content after line, or 0.
func nextIn(content []int, line int) int {
	i := sort.SearchInts(content, line+1)
	if i < len(content) {
		return content[i]
	}
	return 0
}

// ConfigSuppressions turns the fleet config's [[ignore]] entries into
// suppressions.
func ConfigSuppressions(cfg *Config) []*Suppression {
	if cfg == nil {
		return nil
	}
	lines := headerLines(cfg.src, "[[ignore]]")
	var out []*Suppression
	for i := range cfg.Ignore {
		ic := &cfg.Ignore[i]
		s := &Suppression{Config: ic, Reason: strings.TrimSpace(ic.Reason), Pos: Position{File: cfg.File, Line: 1, Column: 1}}
		if i < len(lines) {
			s.Pos.Line = lines[i]
		}
		for _, r := range strings.Split(ic.Rule, ",") {
			if r = strings.TrimSpace(r); r != "" {
				s.Rules = append(s.Rules, r)
			}
		}
		if len(s.Rules) == 0 {
			s.Problems = append(s.Problems, "names no rule (rule = \"RULE-ID\")")
		}
		if ic.Until != "" {
			s.setUntil(strings.TrimSpace(ic.Until))
		}
		if ic.Path != "" {
			if _, err := path.Match(strings.TrimPrefix(ic.Path, "./"), ""); err != nil {
				s.Problems = append(s.Problems, fmt.Sprintf("path %q is not a valid glob: %v", ic.Path, err))
			}
		}
		out = append(out, s)
	}
	return out
}

// headerLines returns the lines on which a header such as [[ignore]] is
// written.
func headerLines(src []byte, header string) []int {
	var out []int
	for i, l := range bytes.Split(src, []byte("\n")) {
		t := bytes.TrimSpace(l)
		if j := bytes.IndexByte(t, '#'); j >= 0 {
			t = bytes.TrimSpace(t[:j])
		}
		if string(bytes.ReplaceAll(t, []byte(" "), nil)) == header {
			out = append(out, i+1)
		}
	}
	return out
}

// SuppressOptions control the suppression processors.
type SuppressOptions struct {
	// Now decides expiry (time.Now when zero).
	Now time.Time
	// Ran reports whether a rule ran in this lint: a suppression of a rule
	// that did not run is not reported as suppressing nothing. Nil means
	// every rule ran.
	Ran func(ruleID string) bool
}

func (o SuppressOptions) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

func (o SuppressOptions) ran(id string) bool { return o.Ran == nil || o.Ran(id) }

// RanRules makes a SuppressOptions.Ran from the rules given to Run, less
// those the fleet config disables.
func RanRules(cfg *Config, rules []*Rule) func(string) bool {
	ran := map[string]bool{}
	for _, r := range enabledRules(cfg, rules) {
		ran[r.ID] = true
	}
	return func(id string) bool { return ran[id] }
}

// InlineSuppressions is the processor that applies `# apimlint:ignore`
// comments.
func InlineSuppressions(opts SuppressOptions) Processor {
	return &suppressor{name: "inline-suppressions", opts: opts, collect: func(f *Fleet) []*Suppression {
		var out []*Suppression
		for _, n := range f.Nodes {
			out = append(out, NodeSuppressions(n)...)
		}
		return out
	}}
}

// ConfigIgnores is the processor that applies the fleet config's
// [[ignore]] entries.
func ConfigIgnores(opts SuppressOptions) Processor {
	return &suppressor{name: "config-ignores", opts: opts, collect: func(f *Fleet) []*Suppression {
		return ConfigSuppressions(f.Config)
	}}
}

type suppressor struct {
	name    string
	opts    SuppressOptions
	collect func(*Fleet) []*Suppression

	sups []*Suppression
	used map[suppressionUse]bool
	idx  suppressionIndex
}

// suppressionIndex finds the suppressions that may cover a finding
// without trying every one: 20k directives against thousands of findings
// would otherwise take minutes.
type suppressionIndex struct {
	config    map[string][]*Suppression // by rule
	wholeFile map[string][]*Suppression // by rule and file
	line      map[string][]*Suppression // by rule, file and line
	key       map[string][]*Suppression // by rule, file and key
}

func newSuppressionIndex(sups []*Suppression, now time.Time) suppressionIndex {
	x := suppressionIndex{config: map[string][]*Suppression{}, wholeFile: map[string][]*Suppression{},
		line: map[string][]*Suppression{}, key: map[string][]*Suppression{}}
	for _, s := range sups {
		if !s.Active(now) {
			continue
		}
		for _, r := range s.Rules {
			switch {
			case s.Config != nil:
				x.config[r] = append(x.config[r], s)
			case s.Node == nil:
			case s.WholeFile:
				k := r + "\x00" + s.Node.File
				x.wholeFile[k] = append(x.wholeFile[k], s)
			default:
				for _, l := range s.Lines {
					k := r + "\x00" + s.Node.File + "\x00" + strconv.Itoa(l)
					x.line[k] = append(x.line[k], s)
				}
				if s.Key != "" {
					k := r + "\x00" + s.Node.File + "\x00" + s.Key
					x.key[k] = append(x.key[k], s)
				}
			}
		}
	}
	return x
}

// candidates are the suppressions that may cover f, each at most once
// per list (a directive may be found by its line and by its key).
func (x suppressionIndex) candidates(f *Finding, visit func(*Suppression)) {
	for _, s := range x.config[f.Rule] {
		visit(s)
	}
	file := f.Rule + "\x00" + f.File
	for _, s := range x.wholeFile[file] {
		visit(s)
	}
	for _, s := range x.line[file+"\x00"+strconv.Itoa(f.Line)] {
		visit(s)
	}
	if f.Key != "" {
		for _, s := range x.key[file+"\x00"+f.Key] {
			visit(s)
		}
	}
}

type suppressionUse struct {
	s    *Suppression
	rule string
}

func (s *suppressor) Name() string { return s.name }

// Process drops the findings an active suppression covers and remembers
// which suppression hid what.
func (s *suppressor) Process(f *Fleet, fs []Finding) ([]Finding, error) {
	now := s.opts.now()
	s.sups = s.collect(f)
	s.used = map[suppressionUse]bool{}
	if len(s.sups) == 0 {
		return fs, nil
	}
	s.idx = newSuppressionIndex(s.sups, now)
	out := fs[:0]
	for _, x := range fs {
		hidden := false
		s.idx.candidates(&x, func(sup *Suppression) {
			if sup.Covers(&x) {
				s.used[suppressionUse{sup, x.Rule}] = true
				hidden = true
			}
		})
		if !hidden {
			out = append(out, x)
		}
	}
	return out, nil
}

// Finish reports each rule of an active suppression that hid nothing.
// Malformed, expired and reasonless directives are the unused-suppression
// rule's own findings; they are not repeated here.
func (s *suppressor) Finish(f *Fleet) []Finding {
	if !s.opts.ran(RuleUnusedSuppression) {
		return nil
	}
	now := s.opts.now()
	var added []Finding
	for _, sup := range s.sups {
		if !sup.Active(now) {
			continue
		}
		for _, r := range sup.Rules {
			if s.used[suppressionUse{sup, r}] || !s.opts.ran(r) {
				continue
			}
			added = append(added, unusedFinding(sup, r))
		}
	}
	added, _ = severityOverrides{}.Process(f, added)
	return added
}

func unusedFinding(s *Suppression, rule string) Finding {
	where := "on its line or the next"
	switch {
	case s.Config != nil:
		where = "for the path and key it names"
	case s.WholeFile:
		where = "in this file"
	}
	x := Finding{Rule: RuleUnusedSuppression, Severity: SeverityWarning, File: s.Pos.File, Line: s.Pos.Line, Column: s.Pos.Column,
		Message: fmt.Sprintf("%s suppresses nothing: rule %s reports no finding %s; remove the suppression", s.Text(), rule, where),
		Related: []Related{}}
	if s.Node != nil {
		x.Node = s.Node.Name
	}
	return x
}

// SuppressionProblems describes what is wrong with a suppression on day
// now, one message per problem: malformed, misplaced, without reason,
// expired. The unused-suppression rule reports these.
func SuppressionProblems(s *Suppression, now time.Time) []string {
	var out []string
	for _, p := range s.Problems {
		out = append(out, fmt.Sprintf("%s %s; it suppresses nothing", s.Text(), p))
	}
	if s.Misplaced {
		out = append(out, fmt.Sprintf("%s is below the first table or key; file-wide suppressions go at the top of the file, and this one suppresses nothing", s.Text()))
	}
	if s.Reason == "" && len(s.Rules) > 0 {
		if s.Config != nil {
			out = append(out, fmt.Sprintf("%s has no reason; add reason = \"why this finding is acceptable\"", s.Text()))
		} else {
			out = append(out, fmt.Sprintf("%s has no reason; write `# %s -- why this finding is acceptable`", s.Text(), s.Text()))
		}
	}
	if len(s.Problems) == 0 && s.Expired(now) {
		out = append(out, fmt.Sprintf("%s expired on %s; the findings it hid are reported again: fix them, or renew the date with a reason", s.Text(), s.UntilText))
	}
	return out
}

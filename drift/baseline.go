// Package drift records the approved state of a fleet (a baseline),
// reports what moved since (findings of rule baseline-drift) and diffs two
// nodes structurally.
//
// A baseline holds every node, its role and every key's resolved value.
// Secrets are held only as HMAC-SHA256 under a key that is not in the file
// (APIMLINT_BASELINE_KEY, or a key file beside the user's config), so a
// changed password is detected without the file revealing anything.
// Without a key only whether each secret is set, and its placeholder form,
// are kept.
package drift

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// Version is the baseline format this package writes. Version 3 adds
// each node's WSO2 version, so that drift knows the defaults a node ran
// with when the baseline was recorded; version 2 (the same without it) is
// read as it is, and version 1 (salted hashes) with a warning.
const Version = 3

// versionNoNodeVersions is the format before nodes recorded their version.
const versionNoNodeVersions = 2

// Baseline is the recorded state of a fleet.
type Baseline struct {
	Version int `json:"version"`
	// Secrets is how secret values are held: SecretsHMAC or
	// SecretsPresence (version 1: salted hashes).
	Secrets string `json:"secrets,omitempty"`
	// KeyID names the HMAC key (SecretsHMAC only).
	KeyID string `json:"keyId,omitempty"`
	// Salt is version 1's hash salt.
	Salt  string       `json:"salt,omitempty"`
	Nodes []NodeRecord `json:"nodes"`

	key *Key
	// Warnings say what this baseline cannot do (old format, no key);
	// commands print them.
	Warnings []string `json:"-"`
}

// UseKey gives the baseline the key its secrets were recorded with, so
// that comparisons detect changed secrets. A missing or different key is
// not an error: secrets are then compared by presence only, and Warnings
// say so.
func (b *Baseline) UseKey(k *Key) {
	if b.Secrets != SecretsHMAC {
		return
	}
	switch {
	case k == nil:
		b.Warnings = append(b.Warnings, fmt.Sprintf("no baseline key (set %s, or keep the key file that recorded it): changes of secret values cannot be detected", KeyEnv))
	case k.ID() != b.KeyID:
		b.Warnings = append(b.Warnings, fmt.Sprintf("the baseline key from %s is not the one that recorded this baseline (key id %s, not %s): changes of secret values cannot be detected", k.Source, k.ID(), b.KeyID))
	default:
		b.key = k
	}
}

// NodeRecord is one node of a baseline.
type NodeRecord struct {
	Name string    `json:"name"`
	File string    `json:"file"` // path relative to the fleet root
	Role wso2.Role `json:"role"`
	// Version is the WSO2 API Manager version the node ran when recorded
	// (format 3; empty when it was not known for sure, and in older
	// baselines): drift takes the defaults the node ran with from it.
	Version string      `json:"version,omitempty"`
	Keys    []KeyRecord `json:"keys"`
}

// KeyRecord is one key of a node: its resolved value as compact JSON, or
// for a secret only the keyed hash of that JSON, or without a key only its
// form.
type KeyRecord struct {
	Path  string          `json:"path"`
	Kind  string          `json:"kind"`
	Value json.RawMessage `json:"value,omitempty"`
	Hash  string          `json:"hash,omitempty"`
	// Secret is, for a secret recorded without a key, "set", "empty", or
	// its placeholder form when it is only a placeholder ($secret{alias}).
	Secret string `json:"secret,omitempty"`
}

// RecordOptions tune Record.
type RecordOptions struct {
	// Key keys the hashes of secrets; without one only their presence and
	// placeholder form are recorded (see LoadKey).
	Key *Key
	// Salt is ignored: version 2 baselines hold no salt.
	//
	// Deprecated: salted hashes in the file can be cracked; use Key.
	Salt string
}

// NewSalt returns a random salt.
func NewSalt() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("baseline salt: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Record takes the baseline of a loaded fleet. A node whose file is not
// valid TOML is an error: an approved state must be complete.
func Record(f *lint.Fleet, opts RecordOptions) (*Baseline, error) {
	b := &Baseline{Version: Version, Secrets: SecretsPresence, Nodes: make([]NodeRecord, 0, len(f.Nodes)), key: opts.Key}
	if opts.Key != nil {
		b.Secrets, b.KeyID = SecretsHMAC, opts.Key.ID()
	} else {
		b.Warnings = append(b.Warnings, "no baseline key: secrets are recorded as set or by their placeholder only, so changes of their values cannot be detected")
	}
	for _, n := range f.Nodes {
		if n.SyntaxError != nil {
			return nil, fmt.Errorf("cannot record a baseline: %s:%d:%d: %s",
				n.File, n.SyntaxError.Pos.Line, n.SyntaxError.Pos.Column, n.SyntaxError.Message)
		}
		rec := recordNode(n, opts.Key)
		rec.Version = recordedVersion(f, n)
		b.Nodes = append(b.Nodes, rec)
	}
	sortRecords(b.Nodes)
	return b, nil
}

func recordNode(n *lint.Node, key *Key) NodeRecord {
	rec := NodeRecord{Name: n.Name, File: n.Rel, Role: n.Role, Keys: make([]KeyRecord, 0, len(n.Keys))}
	sec := newSecretScope(n)
	for _, k := range n.Keys {
		kr := KeyRecord{Path: k.Path, Kind: k.Value.Kind.String()}
		c := canon(k.Value)
		switch {
		case sec.isSecret(k) && key != nil:
			kr.Hash = key.mac(string(c))
		case sec.isSecret(k):
			kr.Secret = secretForm(k.Value)
		default:
			kr.Value = c
		}
		rec.Keys = append(rec.Keys, kr)
	}
	sortKeys(rec.Keys)
	return rec
}

// secretForm describes a secret value without revealing it: "empty",
// "set", or the placeholder it is written as (a name, not a value).
func secretForm(v *lint.Value) string {
	if v.Kind == lint.KindString {
		switch {
		case v.Str() == "":
			return "empty"
		case wso2.IsPurePlaceholder(v.Str()):
			return v.Str()
		}
	}
	return "set"
}

// secretScope decides which keys of a node must be hashed: secrets by
// name or $secret{}, and keys whose resolved value carries a secret (a
// $ref{} to a password would otherwise put the password in the baseline).
// It is built on first use: comparing equal values needs no secrecy.
type secretScope struct {
	n      *lint.Node
	built  bool
	direct map[*lint.Key]bool
	values []string
}

func newSecretScope(n *lint.Node) *secretScope { return &secretScope{n: n} }

func (s *secretScope) build() {
	s.built = true
	s.direct = map[*lint.Key]bool{}
	for _, k := range s.n.Keys {
		if !k.IsSecret() {
			continue
		}
		s.direct[k] = true
		for _, v := range k.Scalars() {
			if v.Kind == lint.KindString && len(v.Resolved()) >= 3 && !wso2.HasPlaceholder(v.Resolved()) && !wso2.IsPublicDefaultSecret(v.Resolved()) {
				s.values = append(s.values, v.Resolved())
			}
		}
	}
}

func (s *secretScope) isSecret(k *lint.Key) bool {
	if !s.built {
		s.build()
	}
	return s.carries(k, 0)
}

// carries follows $ref{} chains (a key referring to a key that refers to a
// password) and looks for a secret's value standing as a whole word in
// the resolved text, as the engine's scrubber does for messages.
func (s *secretScope) carries(k *lint.Key, depth int) bool {
	if k == nil || depth > 8 {
		return false
	}
	if s.direct[k] {
		return true
	}
	for _, v := range k.Scalars() {
		for ph := range v.AllPlaceholders() {
			if ph.Kind != wso2.PlaceholderRef {
				continue
			}
			if wso2.IsSecretPath(ph.Name) || s.carries(s.n.Get(ph.Name), depth+1) {
				return true
			}
		}
		if v.Kind != lint.KindString {
			continue
		}
		for _, sv := range s.values {
			if containsWord(v.Resolved(), sv) {
				return true
			}
		}
	}
	return false
}

// containsWord reports whether w stands in s with no letter, digit or _
// right before or after it.
func containsWord(s, w string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return false
		}
		i += off
		j := i + len(w)
		if (i == 0 || !isWordByte(s[i-1])) && (j == len(s) || !isWordByte(s[j])) {
			return true
		}
		off = i + 1
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// canon renders a resolved value as compact JSON, the same bytes for the
// same value however the file writes it (quotes, 1_000, table layout).
func canon(v *lint.Value) json.RawMessage {
	var b []byte
	return appendCanon(b, v)
}

func appendCanon(b []byte, v *lint.Value) []byte {
	switch v.Kind {
	case lint.KindString:
		return appendJSONString(b, v.Resolved())
	case lint.KindInteger:
		return strconv.AppendInt(b, v.Int(), 10)
	case lint.KindFloat:
		return appendFloat(b, v.Float(), v.Str())
	case lint.KindBool:
		return strconv.AppendBool(b, v.Bool)
	case lint.KindArray:
		b = append(b, '[')
		for i, e := range v.Elems() {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCanon(b, e)
		}
		return append(b, ']')
	case lint.KindTable:
		// The fields of an inline table in an array are keys of their own.
		return append(b, '{', '}')
	}
	return appendJSONString(b, v.Str())
}

func appendFloat(b []byte, f float64, raw string) []byte {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if strings.ContainsAny(s, "NI") { // NaN and ±Inf are not JSON numbers
		return appendJSONString(b, strings.ToLower(raw))
	}
	return append(b, s...)
}

func appendJSONString(b []byte, s string) []byte {
	if plainASCII(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return append(b, `""`...) // a Go string always encodes
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// plainASCII reports whether s needs no escaping in JSON.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// canonRaw re-renders JSON read from a baseline in canonical form, so that
// a hand-edited but equal value ([1, 2] for [1,2], "\u003c" for "<")
// compares equal.
func canonRaw(raw json.RawMessage) (json.RawMessage, error) {
	switch {
	case len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && plainASCII(string(raw[1:len(raw)-1])):
		return raw, nil
	case string(raw) == "true" || string(raw) == "false":
		return raw, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return appendCanonAny(nil, v)
}

func appendCanonAny(b []byte, v any) (json.RawMessage, error) {
	switch x := v.(type) {
	case string:
		return appendJSONString(b, x), nil
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return strconv.AppendInt(b, i, 10), nil
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return nil, fmt.Errorf("number %s: %w", x, err)
		}
		return strconv.AppendFloat(b, f, 'g', -1, 64), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendCanonAny(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		if len(x) == 0 {
			return append(b, '{', '}'), nil
		}
		return nil, errors.New("a table value must be {}")
	case nil:
		return nil, errors.New("null is not a TOML value")
	}
	return nil, fmt.Errorf("unexpected JSON value %T", v)
}

// WriteTo writes the baseline as JSON: fixed field order, nodes sorted by
// name and keys by path, one key per line, so that two baselines diff well.
func (b *Baseline) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: bufio.NewWriter(w)}
	fmt.Fprintf(cw, "{\n  \"version\": %d,\n", b.Version)
	if b.Version == 1 {
		fmt.Fprintf(cw, "  \"salt\": %s,\n", appendJSONString(nil, b.Salt))
	} else {
		fmt.Fprintf(cw, "  \"secrets\": %s,\n", appendJSONString(nil, b.Secrets))
		if b.KeyID != "" {
			fmt.Fprintf(cw, "  \"keyId\": %s,\n", appendJSONString(nil, b.KeyID))
		}
	}
	cw.WriteString("  \"nodes\": [")
	for i, n := range b.Nodes {
		if i > 0 {
			cw.WriteString(",")
		}
		fmt.Fprintf(cw, "\n    {\n      \"name\": %s,\n      \"file\": %s,\n      \"role\": %s,",
			appendJSONString(nil, n.Name), appendJSONString(nil, n.File), appendJSONString(nil, string(n.Role)))
		if n.Version != "" {
			fmt.Fprintf(cw, "\n      \"version\": %s,", appendJSONString(nil, n.Version))
		}
		cw.WriteString("\n      \"keys\": [")
		for j, k := range n.Keys {
			if j > 0 {
				cw.WriteString(",")
			}
			line, err := marshalKey(k)
			if err != nil {
				return cw.n, fmt.Errorf("node %s key %s: %w", n.Name, k.Path, err)
			}
			cw.WriteString("\n        ")
			_, _ = cw.Write(line) // errors stick in cw.err
		}
		if len(n.Keys) > 0 {
			cw.WriteString("\n      ")
		}
		cw.WriteString("]\n    }")
	}
	if len(b.Nodes) > 0 {
		cw.WriteString("\n  ")
	}
	cw.WriteString("]\n}\n")
	if cw.err != nil {
		return cw.n, cw.err
	}
	return cw.n, cw.w.(*bufio.Writer).Flush()
}

func marshalKey(k KeyRecord) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(k); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

func (c *countWriter) WriteString(s string) { _, _ = c.Write([]byte(s)) }

// WriteFile writes the baseline atomically: to a temporary file beside the
// target, synced, then renamed over it, so that a crash never leaves a
// truncated baseline where the approved one was. A symlink is followed
// (the file it names is replaced, as --format F=FILE writes through one),
// the file keeps its mode (a 0600 baseline stays 0600; a new one is
// 0644), and temporary files that a killed run left beside it are removed.
func WriteFile(path string, b *Baseline) error {
	return writeAtomically(path, func(w io.Writer) error {
		_, err := b.WriteTo(w)
		return err
	})
}

// writeAtomically is WriteFile's way of replacing a baseline file, for any
// kind of baseline: write is handed the temporary file.
func writeAtomically(path string, write func(io.Writer) error) (err error) {
	target := path
	if real, rerr := filepath.EvalSymlinks(path); rerr == nil {
		target = real
	} else if !errors.Is(rerr, fs.ErrNotExist) {
		return fmt.Errorf("write baseline %s: %w", path, rerr)
	}
	mode := fs.FileMode(0o644)
	if st, serr := os.Stat(target); serr == nil {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("write baseline %s: not a regular file", path)
		}
		mode = st.Mode().Perm()
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	prefix := "." + base + ".apimlint-"
	removeStaleTemps(dir, prefix)
	tmp, err := os.CreateTemp(dir, prefix+"*.tmp")
	if err != nil {
		return fmt.Errorf("write baseline %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	// Restrict first, then write: the secrets' hashes never sit in a file
	// more open than the baseline it replaces.
	if err = tmp.Chmod(mode); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write baseline %s: %w", path, err)
	}
	if err = write(tmp); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write baseline %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write baseline %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write baseline %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("write baseline %s: %w", path, err)
	}
	return nil
}

// staleAfter is how old a temporary file must be to be taken for one a
// killed run left: a run writing right now is not disturbed.
const staleAfter = 10 * time.Minute

func removeStaleTemps(dir, prefix string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".tmp") || !e.Type().IsRegular() {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
			_ = os.Remove(filepath.Join(dir, name))
		}
	}
}

// ReadFile reads and checks a baseline file.
func ReadFile(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	b, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return b, nil
}

// Read reads and checks a baseline.
func Read(r io.Reader) (*Baseline, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	return Parse(data)
}

var (
	hashV1RE = regexp.MustCompile(`^sha256:[0-9a-f]{16}$`)
	hashRE   = regexp.MustCompile(`^hmac-sha256:[0-9a-f]{64}$`)
)

// maxQuoted bounds what an error message quotes of a baseline's text.
const maxQuoted = 40

func quoteShort(raw []byte) string {
	if len(raw) <= maxQuoted {
		return string(raw)
	}
	return string(raw[:maxQuoted]) + fmt.Sprintf("… (%d bytes)", len(raw))
}

// Parse decodes and checks a baseline. Anything that is not a complete
// baseline this version understands is an error, never an empty baseline
// that would report "no drift".
func Parse(data []byte) (*Baseline, error) {
	// Editors on Windows write a byte-order mark; it is not part of the JSON.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("empty file: not an apimlint baseline")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	b := &Baseline{}
	err := dec.Decode(b)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = fmt.Errorf("unexpected data after the baseline at byte %d", dec.InputOffset())
		}
	}
	// The version decides first, so that a newer format says so rather
	// than failing on a field this version does not know.
	if err != nil || b.Version != Version && b.Version != versionNoNodeVersions && b.Version != 1 {
		var head struct {
			Version json.RawMessage `json:"version"`
		}
		if herr := json.Unmarshal(data, &head); herr != nil {
			return nil, jsonError(data, herr)
		}
		if head.Version == nil {
			return nil, errors.New(`no "version": not an apimlint baseline`)
		}
		var version int
		if verr := json.Unmarshal(head.Version, &version); verr != nil {
			return nil, fmt.Errorf(`"version" is %s, want the number %d`, quoteShort(head.Version), Version)
		}
		if version > Version {
			return nil, fmt.Errorf("baseline format version %d is newer than this apimlint reads (%d): upgrade apimlint or record the baseline again", version, Version)
		}
		if version != Version && version != versionNoNodeVersions && version != 1 {
			return nil, fmt.Errorf("baseline format version %d is not supported (want %d)", version, Version)
		}
	}
	if err != nil {
		return nil, jsonError(data, err)
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	return b, nil
}

func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return errors.New("truncated: the JSON ends before the baseline does")
	case errors.As(err, &syn) && strings.HasPrefix(syn.Error(), "unexpected end of JSON"):
		return errors.New("truncated: the JSON ends before the baseline does")
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset)
		return fmt.Errorf("not valid JSON at line %d, column %d: %w", line, col, syn)
	case errors.As(err, &typ):
		line, col := lineCol(data, typ.Offset)
		field := typ.Field
		if field == "" {
			field = "the baseline"
		}
		return fmt.Errorf("line %d, column %d: %q is %s, want %s", line, col, field, jsonKindOf(typ.Value), jsonKind(typ.Type))
	}
	return fmt.Errorf("not a valid baseline: %w", err)
}

// jsonKind names the JSON a Go type decodes from, for messages: users
// write JSON, not Go.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 { // json.RawMessage: any value
			return "a value"
		}
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another value"
}

// jsonKindOf renders encoding/json's description of the value found
// ("string", "array", "number 1.5") as a phrase.
func jsonKindOf(v string) string {
	word, _, _ := strings.Cut(v, " ")
	switch word {
	case "object", "array":
		return "an " + word
	case "string", "number":
		return "a " + word
	case "bool":
		return "true or false"
	}
	return "another value"
}

func lineCol(data []byte, off int64) (int, int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	return line, int(off) - bytes.LastIndexByte(before, '\n')
}

// check validates what JSON decoding cannot: every field a comparison
// relies on, so that a hand edit fails loudly.
func (b *Baseline) check() error {
	switch {
	case b.Version == 1:
		if b.Salt == "" {
			return errors.New(`no "salt": the secret hashes cannot be checked`)
		}
		if b.Secrets != "" || b.KeyID != "" {
			return errors.New(`a version 1 baseline has no "secrets" or "keyId"`)
		}
		b.Secrets = secretsSaltedV1
		b.Warnings = append(b.Warnings, "this baseline is in the old format (version 1): its salted secret hashes can be cracked offline; record it again with apimlint baseline and delete the old file")
	case b.Salt != "":
		return errors.New(`a version 2 baseline has no "salt"`)
	case b.Secrets == SecretsHMAC:
		if len(b.KeyID) != 16 {
			return errors.New(`"secrets" is "hmac-sha256" but "keyId" is not 16 hex digits`)
		}
	case b.Secrets == SecretsPresence:
		if b.KeyID != "" {
			return errors.New(`"secrets" is "presence": no "keyId" expected`)
		}
	default:
		return fmt.Errorf(`"secrets" is %q, want "hmac-sha256" or "presence"`, quoteShort([]byte(b.Secrets)))
	}
	if b.Nodes == nil {
		return errors.New(`no "nodes" list`)
	}
	names := make(map[string]bool, len(b.Nodes))
	for i := range b.Nodes {
		n := &b.Nodes[i]
		if n.Name == "" {
			return fmt.Errorf("node #%d has no name", i+1)
		}
		if names[n.Name] {
			return fmt.Errorf("node %s appears twice", n.Name)
		}
		names[n.Name] = true
		if r, ok := wso2.ParseRole(string(n.Role)); !ok || r != n.Role {
			return fmt.Errorf("node %s: unknown role %q", n.Name, n.Role)
		}
		if n.Version != "" && b.Version < Version {
			return fmt.Errorf("node %s: a version %d baseline records no node version", n.Name, b.Version)
		}
		if n.Keys == nil {
			return fmt.Errorf(`node %s has no "keys" list`, n.Name)
		}
		paths := make(map[string]bool, len(n.Keys))
		for j := range n.Keys {
			k := &n.Keys[j]
			if k.Path == "" {
				return fmt.Errorf("node %s: key #%d has no path", n.Name, j+1)
			}
			if paths[k.Path] {
				return fmt.Errorf("node %s: key %s appears twice", n.Name, k.Path)
			}
			paths[k.Path] = true
			if !knownKind(k.Kind) {
				return fmt.Errorf("node %s key %s: unknown kind %q", n.Name, k.Path, k.Kind)
			}
			set := 0
			for _, b := range []bool{k.Hash != "", k.Value != nil, k.Secret != ""} {
				if b {
					set++
				}
			}
			switch {
			case set > 1:
				return fmt.Errorf("node %s key %s: more than one of a value, a hash and a secret form", n.Name, k.Path)
			case k.Hash != "" && b.Secrets == secretsSaltedV1:
				if !hashV1RE.MatchString(k.Hash) {
					return fmt.Errorf("node %s key %s: hash %q is not sha256:<16 hex digits>", n.Name, k.Path, quoteShort([]byte(k.Hash)))
				}
			case k.Hash != "":
				if b.Secrets != SecretsHMAC || !hashRE.MatchString(k.Hash) {
					return fmt.Errorf("node %s key %s: hash %q is not hmac-sha256:<64 hex digits> of a keyed baseline", n.Name, k.Path, quoteShort([]byte(k.Hash)))
				}
			case k.Secret != "":
				if b.Secrets != SecretsPresence {
					return fmt.Errorf(`node %s key %s: a secret form in a baseline whose "secrets" is not "presence"`, n.Name, k.Path)
				}
			case k.Value == nil || string(k.Value) == "null":
				return fmt.Errorf("node %s key %s: no value and no hash", n.Name, k.Path)
			default:
				c, err := canonRaw(k.Value)
				if err != nil {
					return fmt.Errorf("node %s key %s: bad value: %w", n.Name, k.Path, err)
				}
				k.Value = c
			}
		}
	}
	return nil
}

func knownKind(s string) bool {
	for k := lint.KindString; k <= lint.KindTable; k++ {
		if k.String() == s {
			return true
		}
	}
	return false
}

func sortRecords(ns []NodeRecord) {
	slices.SortFunc(ns, func(a, b NodeRecord) int { return strings.Compare(a.Name, b.Name) })
}

func sortKeys(ks []KeyRecord) {
	slices.SortFunc(ks, func(a, b KeyRecord) int { return strings.Compare(a.Path, b.Path) })
}

package lint

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// applyUnifiedStrict applies a unified diff of one file to old as patch
// does without fuzz or offsets, and fails where a hunk would not apply as
// written: its lines must be at the header's place in old, the header's
// new start must be where the earlier hunks moved it, and a hunk with
// less context after its change than before must end the file (GNU patch
// applies such a hunk only there).
func applyUnifiedStrict(old, diff string) (string, error) {
	oldLines := splitLinesKeepEnds(old)
	lines := strings.SplitAfter(diff, "\n")
	i := 0
	for i < len(lines) && !strings.HasPrefix(lines[i], "--- ") {
		i++
	}
	if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "+++ ") {
		return "", fmt.Errorf("no file header")
	}
	i += 2
	var out strings.Builder
	cursor, delta := 0, 0
	for i < len(lines) && strings.HasPrefix(lines[i], "@@ ") {
		var a, b, c, d int
		if err := parseHunkHeader(lines[i], &a, &b, &c, &d); err != nil {
			return "", err
		}
		i++
		type hl struct {
			kind byte
			text string
		}
		var body []hl
		for na, nb := 0, 0; na < b || nb < d; i++ {
			if i >= len(lines) || lines[i] == "" {
				return "", fmt.Errorf("hunk -%d,%d ends early", a, b)
			}
			l := lines[i]
			k := l[0]
			body = append(body, hl{k, l[1:]})
			switch k {
			case ' ':
				na++
				nb++
			case '-':
				na++
			case '+':
				nb++
			default:
				return "", fmt.Errorf("bad hunk line %q", l)
			}
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], `\ No newline`) {
				body[len(body)-1].text = strings.TrimSuffix(body[len(body)-1].text, "\n")
				i++
			}
			if na > b || nb > d {
				return "", fmt.Errorf("hunk -%d,%d +%d,%d: more lines than the header says", a, b, c, d)
			}
		}
		at := a - 1
		if b == 0 {
			at = a
		}
		newAt := c - 1
		if d == 0 {
			newAt = c
		}
		if at < cursor || at+b > len(oldLines) {
			return "", fmt.Errorf("hunk -%d,%d out of order or past the end", a, b)
		}
		if newAt != at+delta {
			return "", fmt.Errorf("hunk -%d,%d +%d,%d: new start should be %d", a, b, c, d, at+delta+1)
		}
		prefix, suffix := 0, 0
		for _, l := range body {
			if l.kind != ' ' {
				break
			}
			prefix++
		}
		for j := len(body) - 1; j >= 0 && body[j].kind == ' '; j-- {
			suffix++
		}
		if suffix < prefix && at+b != len(oldLines) {
			return "", fmt.Errorf("hunk -%d,%d has %d lines of context before and %d after but does not end the file: GNU patch rejects it", a, b, prefix, suffix)
		}
		out.WriteString(strings.Join(oldLines[cursor:at], ""))
		j := at
		for _, l := range body {
			switch l.kind {
			case ' ', '-':
				if oldLines[j] != l.text {
					return "", fmt.Errorf("hunk -%d,%d: line %d is %q, the hunk says %q", a, b, j+1, oldLines[j], l.text)
				}
				j++
			}
			if l.kind != '-' {
				out.WriteString(l.text)
			}
		}
		cursor = j
		delta += d - b
	}
	for ; i < len(lines); i++ {
		if lines[i] != "" {
			return "", fmt.Errorf("trailing line %q", lines[i])
		}
	}
	out.WriteString(strings.Join(oldLines[cursor:], ""))
	return out.String(), nil
}

func parseHunkHeader(h string, a, b, c, d *int) error {
	f := strings.Fields(h)
	if len(f) < 4 || f[0] != "@@" || f[3] != "@@" || !strings.HasPrefix(f[1], "-") || !strings.HasPrefix(f[2], "+") {
		return fmt.Errorf("bad hunk header %q", h)
	}
	parse := func(s string, start, count *int) error {
		n, m, ok := strings.Cut(s, ",")
		var err error
		if *start, err = strconv.Atoi(n); err != nil {
			return fmt.Errorf("bad hunk header %q", h)
		}
		*count = 1
		if ok {
			if *count, err = strconv.Atoi(m); err != nil {
				return fmt.Errorf("bad hunk header %q", h)
			}
		}
		return nil
	}
	if err := parse(f[1][1:], a, b); err != nil {
		return err
	}
	return parse(f[2][1:], c, d)
}

// fixFinding is a finding whose fix is the given edits of n's file, each
// a byte span of the file and its new text.
func fixFinding(n *Node, spans ...any) Finding {
	var edits []TextEdit
	for i := 0; i+2 < len(spans); i += 3 {
		edits = append(edits, editAt(n, spans[i].(int), spans[i+1].(int), spans[i+2].(string)))
	}
	return Finding{Rule: "test", File: n.File, Line: edits[0].Line, Fixes: []SuggestedFix{{Message: "fix", Edits: edits}}}
}

// span is the byte span of the first occurrence of s in n's file.
func span(t *testing.T, n *Node, s string) (int, int) {
	t.Helper()
	i := bytes.Index(n.Src, []byte(s))
	if i < 0 {
		t.Fatalf("%q not in %s", s, n.File)
	}
	return i, i + len(s)
}

// checkDiffApplies applies the plan's diff of every file to the file as
// it was, strictly, and with GNU patch when it is installed; both must
// give the fixed file.
func checkDiffApplies(t *testing.T, plan *FixPlan) {
	t.Helper()
	for file, want := range plan.Files {
		d := plan.Diff(file)
		got, err := applyUnifiedStrict(string(plan.Old[file]), d)
		if err != nil {
			t.Fatalf("%s: the diff does not apply: %v\n%s", file, err, d)
		}
		if got != string(want) {
			t.Fatalf("%s: the diff applied gives\n%s\nnot the fixed file\n%s\ndiff:\n%s", file, got, want, d)
		}
		patchApplies(t, file, plan.Old[file], want, d)
	}
}

// patchApplies runs GNU patch -p1 on old with the diff, without fuzz, and
// compares the result with want. Skipped where patch is not installed.
func patchApplies(t *testing.T, file string, old, want []byte, d string) {
	t.Helper()
	bin, err := exec.LookPath("patch")
	if err != nil {
		return
	}
	dir := t.TempDir()
	target := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(filepath.ToSlash(file), "/")))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, old, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p1", "--fuzz=0", "--batch", "--no-backup-if-mismatch")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(d)
	if out, err := cmd.CombinedOutput(); err != nil || bytes.Contains(out, []byte("offset")) {
		t.Fatalf("%s: patch -p1: %v\n%s\ndiff:\n%s", file, err, out, d)
	}
	got, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: patch gives\n%s\nnot the fixed file\n%s", file, got, want)
	}
}

func loadOne(t *testing.T, src string) (*Fleet, *Node) {
	t.Helper()
	fl, err := LoadFiles("fleet", map[string][]byte{"gw-1/deployment.toml": []byte(src)}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fl.Nodes) != 1 {
		t.Fatalf("%d nodes", len(fl.Nodes))
	}
	return fl, fl.Nodes[0]
}

// TestDiffAppliesSeveralFixes: several fixes in one file, which replace
// values, add lines, remove lines and sit close enough together for
// their hunks to join, give a diff whose every hunk header is where the
// lines are. (go-udiff 0.4.1 numbered the new side of a hunk after a
// joined hunk as if the joining lines were not there: @@ -73,12 +70,12 @@
// where diff -u says +73.)
func TestDiffAppliesSeveralFixes(t *testing.T) {
	var b strings.Builder
	b.WriteString("[server]\nhostname = \"gw.example.com\"\noffset = 0\n\n")
	for i := range 12 {
		fmt.Fprintf(&b, "[[apim.gateway.environment]]\nname = \"env%d\"\nservice_url = \"https://cp:9445/services/\"\nhttp_endpoint = \"http://gw:8282\"\nhttps_endpoint = \"https://gw:8245\"\n\n", i)
	}
	b.WriteString("[apim.throttling]\nservice_url = \"https://tm:9443\"\n# a comment\nobsolete = true\n[apim.cors]\nallow_origins = \"*\"")
	fl, n := loadOne(t, b.String())
	src := string(n.Src)
	var findings []Finding
	// Changes two lines apart (one hunk), in the first environments.
	for _, s := range []string{`"https://cp:9445/services/"`, `"http://gw:8282"`, `"https://gw:8245"`} {
		i, j := span(t, n, s)
		findings = append(findings, fixFinding(n, i, j, strings.ReplaceAll(strings.ReplaceAll(s, "9445", "9443"), "82", "80")))
	}
	// In the fourth environment: one line becomes three, and a line goes.
	at := strings.Index(src, `name = "env3"`)
	i := at + strings.Index(src[at:], "service_url")
	j := i + strings.Index(src[i:], "\n") + 1
	findings = append(findings, fixFinding(n, i, j, "service_url = \"https://cp:9443/services/\"\nusername = \"admin\"\nkey = \"x\"\n"))
	k := j + strings.Index(src[j:], "https_endpoint")
	l := k + strings.Index(src[k:], "\n") + 1
	findings = append(findings, fixFinding(n, k, l, ""))
	// Far below: two removals and an insertion close together.
	for _, env := range []string{`name = "env8"`, `name = "env9"`} {
		at := strings.Index(src, env)
		i := at + strings.Index(src[at:], "http_endpoint")
		j := i + strings.Index(src[i:], "\n") + 1
		findings = append(findings, fixFinding(n, i, j, ""))
	}
	if e, ok := SetKey(n, "apim.throttling", "enable_blocking", "true"); ok {
		findings = append(findings, Finding{Rule: "test", File: n.File, Fixes: []SuggestedFix{{Edits: []TextEdit{e}}}})
	} else {
		t.Fatal("SetKey refused")
	}
	// The last lines: a removal and a new table after a last line that
	// has no newline.
	i, j = span(t, n, "obsolete = true\n")
	findings = append(findings, fixFinding(n, i, j, ""))
	if e, ok := SetKey(n, "apim.key_manager", "service_url", `"https://km:9443"`); ok {
		findings = append(findings, Finding{Rule: "test", File: n.File, Fixes: []SuggestedFix{{Edits: []TextEdit{e}}}})
	} else {
		t.Fatal("SetKey refused a new table")
	}
	plan, err := PlanFixes(fl, findings)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Conflicts) != 0 || len(plan.Applied) != len(findings) {
		t.Fatalf("applied %d of %d, %d conflicts", len(plan.Applied), len(findings), len(plan.Conflicts))
	}
	if hunks := strings.Count(plan.Diff(n.File), "\n@@ "); hunks < 4 {
		t.Errorf("%d hunks, want the fixes in at least 4:\n%s", hunks, plan.Diff(n.File))
	}
	checkDiffApplies(t, plan)
}

// TestDiffRandomEdits: random line edits of a file, applied through the
// printed diff, give the edited file.
func TestDiffRandomEdits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		var old []string
		for i := range 5 + r.IntN(40) {
			old = append(old, fmt.Sprintf("k%d = %d\n", i, r.IntN(3)))
		}
		var nw []string
		for _, l := range old {
			switch r.IntN(8) {
			case 0:
				continue
			case 1:
				nw = append(nw, "new = 1\n")
			case 2:
				nw = append(nw, l, "added = 2\n")
				continue
			}
			nw = append(nw, l)
		}
		if r.IntN(4) == 0 && len(old) > 0 {
			old[len(old)-1] = strings.TrimSuffix(old[len(old)-1], "\n")
		}
		if r.IntN(4) == 0 && len(nw) > 0 {
			nw[len(nw)-1] = strings.TrimSuffix(nw[len(nw)-1], "\n")
		}
		hide := map[int]bool{}
		for i := range old {
			if r.IntN(6) == 0 {
				hide[i] = true
			}
		}
		d, _ := unifiedDiff("a/f", "b/f", old, nw, func(i int) bool { return hide[i] }, func(s string) string { return s })
		oldText, newText := strings.Join(old, ""), strings.Join(nw, "")
		if oldText == newText {
			if d != "" {
				t.Fatalf("round %d: a diff of equal texts:\n%s", round, d)
			}
			continue
		}
		got, err := applyUnifiedStrict(oldText, d)
		if err != nil {
			t.Fatalf("round %d: %v\nold:\n%s\nnew:\n%s\ndiff:\n%s", round, err, oldText, newText, d)
		}
		if got != newText {
			t.Fatalf("round %d: the diff gives\n%s\nwant\n%s\ndiff:\n%s", round, got, newText, d)
		}
		for _, l := range strings.SplitAfter(d, "\n") {
			if strings.HasPrefix(l, " ") {
				for i := range hide {
					if l[1:] == old[i] || l[1:] == old[i]+"\n" {
						t.Fatalf("round %d: hidden line %q shown as context:\n%s", round, old[i], d)
					}
				}
			}
		}
		if round%25 == 0 {
			patchApplies(t, "f", []byte(oldText), []byte(newText), d)
		}
	}
}

// TestDiffSecretNextToFix: a password on the lines next to fixed lines,
// and between two fixes a few lines apart, is never shown: the diff
// shows no secret value, no "****", and applies as it stands.
func TestDiffSecretNextToFix(t *testing.T) {
	src := `[super_admin]
username = "admin"
password = "Zq8-unique-Admin-pw"
create_admin_account = true

[[apim.gateway.environment]]
name = "Default"
type = "hybrid"
service_url = "https://localhost:9445/services/"
username = "admin"
password = "Zq8-unique-Env-pw"
http_endpoint = "http://localhost:8282"
https_endpoint = "https://localhost:8245"

[apim.throttling]
service_url = "https://tm:9444"
password = "Zq8-unique-Tm-pw"
enable_blocking = true
`
	fl, n := loadOne(t, src)
	secrets := []string{"Zq8-unique-Admin-pw", "Zq8-unique-Env-pw", "Zq8-unique-Tm-pw"}
	for _, s := range secrets {
		if fl.Redact(s) == s {
			t.Fatalf("%s is not a secret of the fleet: the test proves nothing", s)
		}
	}
	plan, d := planReplacing(t, fl, n, [][2]string{
		{`"https://localhost:9445/services/"`, `"https://localhost:9443/services/"`},
		{`"http://localhost:8282"`, `"http://localhost:8280"`},
		{`"https://tm:9444"`, `"https://tm:9443"`},
		{`create_admin_account = true`, `create_admin_account = false`},
	})
	for _, s := range secrets {
		if strings.Contains(d, s) {
			t.Errorf("the diff shows the secret %s:\n%s", s, d)
		}
	}
	if strings.Contains(d, "****") || strings.Contains(d, "# apimlint") || plan.DiffHidesChange(n.File) {
		t.Errorf("the diff hides a line, but no fixed line holds a secret:\n%s", d)
	}
	if !strings.Contains(d, " name = \"Default\"\n") {
		t.Errorf("the diff lost context it may show:\n%s", d)
	}
	checkDiffApplies(t, plan)
}

// TestDiffSecretOnChangedLine: a fix that changes a line holding a secret
// shows it hidden, and says before the diff that it does not apply.
func TestDiffSecretOnChangedLine(t *testing.T) {
	src := "[apim.throttling]\nservice_url = \"https://tm:9444\"\n[apim.throttling.jms]\nconnection_url = \"amqp://admin:Zq8-unique-Jms-pw@tm:5672\"\npassword = \"Zq8-unique-Jms-pw\"\n"
	fl, n := loadOne(t, src)
	i, j := span(t, n, "@tm:5672")
	plan, err := PlanFixes(fl, []Finding{fixFinding(n, i, j, "@tm:5673")})
	if err != nil {
		t.Fatal(err)
	}
	d := plan.Diff(n.File)
	if strings.Contains(d, "Zq8-unique-Jms-pw") {
		t.Fatalf("the diff shows the secret:\n%s", d)
	}
	if !strings.HasPrefix(d, DiffHiddenNote+"\n") || !plan.DiffHidesChange(n.File) || !strings.Contains(d, "\n-connection_url = \"****") {
		t.Errorf("a hidden changed line without the note:\n%s", d)
	}
}

// TestDiffSecretWrittenWithEscapes: a secret written with escapes, or
// over several lines, is not its decoded value in the file: the diff
// still never shows it, as context or on a changed line.
func TestDiffSecretWrittenWithEscapes(t *testing.T) {
	src := "[super_admin]\nusername = \"admin\"\npassword = \"Zq8\\u002Dunique\\tpw\"\n" +
		"[apim.throttling]\nservice_url = \"https://tm:9444\"\n" +
		"[secrets]\nalias = \"\"\"Zq8-multi\\\nline-pw\"\"\"\n" +
		"[apim.key_manager]\nservice_url = \"https://km:9444\"\n" +
		"[database.apim_db]\ninline = { url = \"jdbc:mysql://db:3307/x\", password = \"Zq8\\u002Dinline-pw\" }\n"
	fl, n := loadOne(t, src)
	plan, d := planReplacing(t, fl, n, [][2]string{{"tm:9444", "tm:9443"}, {"km:9444", "km:9443"}, {"db:3307", "db:3306"}})
	for _, s := range []string{`Zq8\u002Dunique\tpw`, "Zq8-multi", "line-pw", `Zq8\u002Dinline-pw`} {
		if strings.Contains(d, s) {
			t.Errorf("the diff shows %s:\n%s", s, d)
		}
	}
	if !strings.Contains(d, "\n service_url = \"https://tm:9444\"") && !strings.Contains(d, "\n-service_url = \"https://tm:9444\"") {
		t.Errorf("the diff lost the fixed line:\n%s", d)
	}
	if !plan.DiffHidesChange(n.File) {
		t.Errorf("the inline table's changed line holds a secret, hidden without the note:\n%s", d)
	}
}

// planReplacing plans fixes that replace each pair's first text in n's
// file with its second, and returns the plan and the file's diff.
func planReplacing(t *testing.T, fl *Fleet, n *Node, pairs [][2]string) (*FixPlan, string) {
	t.Helper()
	var findings []Finding
	for _, pair := range pairs {
		i, j := span(t, n, pair[0])
		findings = append(findings, fixFinding(n, i, j, pair[1]))
	}
	plan, err := PlanFixes(fl, findings)
	if err != nil {
		t.Fatal(err)
	}
	return plan, plan.Diff(n.File)
}

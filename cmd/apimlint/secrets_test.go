package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apimlint/apimlint/graph"
	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint/report"
	"github.com/apimlint/apimlint/rules"
)

// The secrets guarantee: whatever command and output format runs, no
// secret of the fleet reaches stdout, stderr or a file apimlint writes.
// The fleet below gives every secret a unique random value, and makes the
// rules, drift, diff and watch talk about those keys. A command added
// later is run with the fleet path (and --format json) automatically; one
// that needs other arguments goes into secArgs.

// secretSet hands out unique random secrets and remembers them. Each
// secret carries a random lower-case hex core: any rendering of the
// secret (JSON- or XML-escaped, quoted, cut at a special character)
// still contains it, so the core is what the outputs are searched for.
type secretSet struct {
	mu    sync.Mutex
	cores map[string]string // core -> where it was used
}

func (s *secretSet) core(t testing.TB, where string) string {
	t.Helper()
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	c := hex.EncodeToString(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cores == nil {
		s.cores = map[string]string{}
	}
	s.cores[c] = where
	return c
}

// secret returns a password-like value around a fresh core.
func (s *secretSet) secret(t testing.TB, where string) string {
	t.Helper()
	return "Pw-" + s.core(t, where) + "-x"
}

// leaks returns where each secret found in data was used.
func (s *secretSet) leaks(data []byte) []string {
	lower := bytes.ToLower(data)
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for c, where := range s.cores {
		if bytes.Contains(lower, []byte(c)) {
			out = append(out, where)
		}
	}
	sort.Strings(out)
	return out
}

// secFleet writes a fleet of four nodes (or, when broken, one node that
// is not valid TOML) whose every secret is fresh. The two control planes disagree on their secrets (drift
// and diff compare them), the admin password has URL-reserved characters,
// keystores share a file with different passwords, and every secret is in
// plain text, so the rules report on all of these keys.
func secFleet(t *testing.T, s *secretSet, dir string, broken bool) {
	t.Helper()
	node := func(name, role string) string {
		sec := func(key string) string { return s.secret(t, name+": "+key) }
		return fmt.Sprintf(`[server]
hostname = "%[1]s.example.test"
server_role = %[2]q

[super_admin]
username = "admin"
password = "Adm@%[3]s:/x"

[database.apim_db]
type = "mysql"
url = "jdbc:mysql://db.example.test:3306/apim_db"
username = "apim"
password = %[4]q

[database.shared_db]
type = "mysql"
url = "jdbc:mysql://db.example.test:3306/shared_db?user=shared@apimdb&password=%[5]s"
username = "shared"
password = %[6]q

[keystore.tls]
file_name = "fleet.jks"
password = %[7]q
alias = "fleet"
key_password = %[8]q

[keystore.primary]
file_name = "fleet.jks"
password = %[9]q
alias = "fleet"
key_password = %[10]q

[keystore.internal]
file_name = "fleet.jks"
password = 7%[11]d

[truststore]
file_name = "fleet-trust.jks"
password = %[12]q

[encryption]
key = %[13]q

[apim.event_hub]
username = "admin"
password = "ev&%[14]s#1"
event_listening_endpoints = ["tcp://cp-1.example.test:5672"]

[apim.key_manager]
password = %[15]q
service_url = "https://km.example.test:9443/services/?tenant=ops@corp&token=%[26]s"

[apim.key_manager.configuration]
client_secret = %[16]q

[apim.throttling]
throttle_decision_endpoints = ["tcp://tm-1.example.test:5672"]

[apim.throttling.jms]
password = %[17]q

[apim.analytics]
auth_token = %[18]q

[transport.jms.listener]
'connectionfactory.TopicConnectionFactory' = "amqp://admin:%[19]s@clientID/carbon?brokerlist='tcp://tm-1:5672'"

[[event_listener]]
id = "token_revocation"

[event_listener.properties]
username = "admin"
password = %[20]q

[secrets]
admin_password = "[%[21]s]"
db_password = %[22]q

[custom]
password_for_env = "$env{APIM_SECRET_FROM_ENV}"
# Secrets copied into keys of other names, and URL passwords with the
# characters that end a URL's authority.
copied_by_ref = "x$ref{keystore.primary.password}"
copied_by_property = "k${admin.password}"
reports_url = "https://ops:p#%[23]s/x@reports.example.test:9443/services/"
broker = "ops:%[24]s@broker.example.test:5672"
at_password_url = "https://ops:p@%[27]s@reports.example.test:9443/services/"
# Misspelt secret key names.
pasword = %[28]q
key_pasword = %[29]q

[custom.credentials]
value = %[25]q
`, name, role, s.core(t, name+": super_admin.password"), sec("database.apim_db.password"),
			s.core(t, name+": shared_db url password"), sec("database.shared_db.password"),
			sec("keystore.tls.password"), sec("keystore.tls.key_password"),
			sec("keystore.primary.password"), sec("keystore.primary.key_password"),
			secInt(t, s, name+": keystore.internal.password"), sec("truststore.password"),
			s.core(t, name+": encryption.key")+s.core(t, name+": encryption.key (2)"),
			s.core(t, name+": apim.event_hub.password"), sec("apim.key_manager.password"),
			sec("client_secret"), sec("apim.throttling.jms.password"), sec("apim.analytics.auth_token"),
			s.core(t, name+": JMS URL password"), sec("event_listener password"),
			sec("secrets.admin_password"), sec("secrets.db_password"),
			s.core(t, name+": URL password with # and /"), s.core(t, name+": URL password without scheme"),
			sec("custom.credentials.value"), s.core(t, name+": key manager URL query token"),
			s.core(t, name+": URL password with @"), sec("custom.pasword (misspelt)"), sec("custom.key_pasword (misspelt)"))
	}
	files := map[string]string{
		"cp-1/deployment.toml": node("cp-1", "control-plane"),
		"cp-2/deployment.toml": node("cp-2", "control-plane"),
		"gw-1/deployment.toml": node("gw-1", "gateway-worker"),
		"tm-1/deployment.toml": node("tm-1", "traffic-manager"),
		// A host name made of the admin password: nodes and init print
		// addresses.
		"km-1/deployment.toml": fmt.Sprintf("[server]\nhostname = \"$ref{super_admin.password}\"\nserver_role = \"default\"\n\n[super_admin]\nusername = \"admin\"\npassword = \"hostpw%s\"\n\n[apim.key_manager]\nservice_url = \"https://${carbon.host}:9443/services/\"\n", s.core(t, "km-1: super_admin.password used as hostname")),
	}
	if broken {
		// A syntax error right after a secret: the parser's message must
		// not quote it. Baselines refuse broken fleets, so it has a fleet
		// of its own.
		files = map[string]string{"gw-2/deployment.toml": fmt.Sprintf("[super_admin]\npassword = %q\n[keystore.tls]\npassword = \"%s\" trailing\n",
			s.secret(t, "gw-2: super_admin.password"), s.secret(t, "gw-2: broken keystore.tls.password")),
			// Numbers too large for 64 bits, and a bad character after a
			// number: the messages must not quote them.
			"gw-3/deployment.toml": fmt.Sprintf("[super_admin]\npassword = %d%d\n", secInt(t, s, "gw-3: huge numeric password"), secInt(t, s, "gw-3: huge numeric password (2)")),
			"gw-4/deployment.toml": fmt.Sprintf("[encryption]\nkey = 0x%s\n", s.core(t, "gw-4: hex key")),
			"gw-5/deployment.toml": fmt.Sprintf("[keystore.tls]\npasword = %d %s\n", secInt(t, s, "gw-5: misspelt numeric password"), s.core(t, "gw-5: misspelt password tail")),
		}
	}
	fleettest.WriteFiles(t, dir, files)
}

// secInt returns a secret made of digits only, for password = 123... keys.
func secInt(t *testing.T, s *secretSet, where string) uint64 {
	t.Helper()
	b := make([]byte, 7)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	n = n%900000000000000 + 100000000000000 // 15 digits
	s.mu.Lock()
	if s.cores == nil {
		s.cores = map[string]string{}
	}
	s.cores[fmt.Sprint(n)] = where
	s.mu.Unlock()
	return n
}

// secInvocation is one CLI run.
type secInvocation struct {
	args []string
	tty  bool
}

// secArgs gives the commands that need more than a fleet path their
// arguments. fleet is the fleet, fleet2 the same fleet with other secrets,
// broken a fleet whose node is not valid TOML, out a directory for
// written files, base a baseline of fleet.
func secArgs(name, fleet, fleet2, broken, out, base string) []secInvocation {
	node := func(f, n string) string { return filepath.Join(f, n, "deployment.toml") }
	var inv []secInvocation
	add := func(args ...string) { inv = append(inv, secInvocation{args: args}) }
	// Formats of the report package: every command that writes lint
	// results takes them, to stdout and to a file.
	formats := func(cmd string, extra ...string) {
		for _, f := range report.Formats() {
			add(append(append([]string{cmd}, extra...), "--format", f, fleet)...)
			add(append(append([]string{cmd}, extra...), "--format", f+"="+filepath.Join(out, cmd+"."+f), fleet)...)
		}
	}
	switch name {
	case "lint":
		formats("lint")
		add(fleet)
		add("lint", "--fail-on", "info", node(fleet, "cp-1"), node(broken, "gw-2"))
		for _, f := range report.Formats() {
			add("lint", "--format", f, broken)
		}
		inv = append(inv, secInvocation{args: []string{"lint", fleet}, tty: true})
		for _, r := range rules.All() {
			add("lint", "--rule", r.ID, fleet)
		}
		add("lint", "--accept", filepath.Join(out, "accepted.json"), fleet)
		// The directory of all the fleets is an estate: each fleet linted alone.
		for _, f := range report.Formats() {
			add("lint", "--format", f, filepath.Dir(fleet))
		}
		add("lint", "--accepted", filepath.Join(out, "accepted.json"), fleet2)
		// A diff's context lines are the lines next to each fix.
		add("lint", "--diff", fleet)
		add("lint", "--diff", filepath.Dir(fleet))
	case "nodes":
		add("nodes", fleet)
		add("nodes", "--format", "json", fleet)
		add("nodes", broken)
		add("nodes", filepath.Dir(fleet))
		add("nodes", "--format", "json", filepath.Dir(fleet))
	case "rules":
		add("rules")
		add("rules", "--format", "json")
		add("rules", "--format", "markdown")
	case "explain":
		for _, r := range rules.All() {
			add("explain", r.ID)
		}
	case "version":
		add("version")
	case "completion":
		add("completion", "bash")
		add("completion", "zsh")
		add("completion", "fish")
	case "baseline":
		add("baseline", fleet, "-o", filepath.Join(out, "baseline-again.json"))
		add("baseline", fleet, "-o", "-")
		add("baseline", filepath.Dir(fleet), "-o", filepath.Join(out, "estate-baseline.json"))
	case "drift":
		for _, f := range report.Formats() {
			add("drift", "--baseline", base, "--format", f, fleet2)
			add("drift", "--baseline", base, "--format", f+"="+filepath.Join(out, "drift."+f), fleet2)
		}
	case "diff":
		add("diff", "--fleet", fleet, "cp-1", "cp-2")
		add("diff", "--fleet", fleet, "--format", "json", "cp-1", "tm-1")
		add("diff", node(fleet, "cp-1"), node(fleet2, "cp-1"))
		add("diff", "--format", "json", node(fleet, "gw-1"), node(fleet2, "gw-1"))
		add("diff", node(fleet, "gw-1"), node(broken, "gw-2"))
		add("diff", "--fleets", fleet, fleet2)
		add("diff", "--fleets", "--format", "json", fleet, fleet2)
	case "probe":
		// Dial nothing but loopback (refused at once): the fleet's hosts
		// are under .test and never resolve.
		for _, f := range report.Formats() {
			add("probe", "--list", "--format", f, fleet)
		}
		add("probe", "--loopback", "--only", "localhost", "--timeout", "300ms", "--deadline", "5s", "--format", "json", fleet)
		add("probe", "--loopback", "--only", "localhost", "--timeout", "300ms", "--deadline", "5s", "-v", fleet)
	case "schema":
		for _, role := range []string{"control-plane", "gateway", "traffic-manager", "key-manager", "all-in-one"} {
			add("schema", "print", role, fleet)
		}
	case "watch":
		add("watch", fleet)
		add("watch", "--format", "jsonl", "--baseline", base, fleet2)
	case "graph":
		for _, f := range graph.Formats {
			add("graph", "--format", f, fleet)
			add("graph", "--format", f, "-o", filepath.Join(out, "graph."+f), fleet)
		}
		add("graph", broken)
	case "init":
		// init writes into the fleet: it gets a copy of its own below.
	default:
		add(name, fleet)
		add(name, "--format", "json", fleet)
		add(name, broken)
		add(name, "--help")
	}
	return inv
}

func TestNoSecretLeavesApimlint(t *testing.T) {
	root := t.TempDir()
	t.Chdir(root) // files a command writes to its working directory are checked too
	s := &secretSet{}
	fleet := filepath.Join(root, "fleet")
	fleet2 := filepath.Join(root, "fleet2")
	fleetInit := filepath.Join(root, "fleet-init")
	out := filepath.Join(root, "out")
	for _, d := range []string{fleet, fleet2, fleetInit} {
		secFleet(t, s, d, false)
	}
	broken := filepath.Join(root, "broken")
	secFleet(t, s, broken, true)
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	inputs := map[string]bool{}
	if err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			inputs[p] = true
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	envSecret := s.secret(t, "$env{APIM_SECRET_FROM_ENV}")
	getenv := func(k string) string {
		switch k {
		case "APIM_SECRET_FROM_ENV":
			return envSecret
		case "GITHUB_STEP_SUMMARY":
			// The github format appends its Markdown summary here; the
			// file is checked with the other written files.
			return filepath.Join(out, "step-summary.md")
		}
		return ""
	}

	// The watch command runs until its context ends: give it a short life,
	// and change a node while it runs so that it reports a change.
	oldWatch := watchContext
	t.Cleanup(func() { watchContext = oldWatch })
	watchContext = func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), 3*time.Second)
	}

	base := filepath.Join(out, "baseline.json")
	check := func(label string, data []byte) {
		t.Helper()
		if l := s.leaks(data); len(l) > 0 {
			t.Errorf("%s shows secrets (%s):\n%s", label, strings.Join(l, "; "), secExcerpt(data, s))
		}
	}
	runOne := func(inv secInvocation) int {
		t.Helper()
		var stdout, stderr bytes.Buffer
		env := &cliEnv{stdout: &stdout, stderr: &stderr, getenv: getenv, isTTY: inv.tty}
		code := -1
		done := make(chan struct{})
		go func() {
			defer close(done)
			code = run(env, inv.args)
		}()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("apimlint %s did not return within a minute; give the command arguments that end in secArgs", strings.Join(inv.args, " "))
		}
		label := "apimlint " + strings.Join(inv.args, " ")
		check(label+": stdout", stdout.Bytes())
		check(label+": stderr", stderr.Bytes())
		if code == exitUsage && stdout.Len() == 0 && !strings.Contains(strings.Join(inv.args, " "), "--help") {
			t.Logf("%s: exit 2: %s", label, strings.TrimSpace(stderr.String()))
		}
		return code
	}

	// A baseline of the fleet, for drift and watch; fleet2 differs from it
	// in every secret.
	if _, ok := commands["baseline"]; ok {
		if code := runOne(secInvocation{args: []string{"baseline", fleet, "-o", base}}); code != exitOK {
			t.Fatalf("baseline: exit %d", code)
		}
	}

	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	ran := 0
	for _, name := range names {
		if name == "watch" {
			// Change a node while watch runs: new secrets must not show
			// in its change events either.
			go func() {
				time.Sleep(1500 * time.Millisecond)
				p := filepath.Join(fleet, "tm-1", "deployment.toml")
				data, err := os.ReadFile(p)
				if err != nil {
					return
				}
				extra := fmt.Sprintf("\n[apim.workflow]\npassword = %q\n", s.secret(t, "tm-1: apim.workflow.password added during watch"))
				_ = os.WriteFile(p, append(data, extra...), 0o644)
			}()
		}
		for _, inv := range secArgs(name, fleet, fleet2, broken, out, base) {
			runOne(inv)
			ran++
		}
	}
	if _, ok := commands["init"]; ok {
		runOne(secInvocation{args: []string{"init", fleetInit}})
		runOne(secInvocation{args: []string{"init", "--force", fleetInit}})
		runOne(secInvocation{args: []string{"lint", fleetInit}})
		ran += 3
	}
	if ran < len(commands) {
		t.Errorf("ran %d invocations for %d commands", ran, len(commands))
	}

	// Every file written under the temporary root, wherever a command put
	// it, apart from the fleets' own node files.
	written := 0
	if err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if inputs[p] && filepath.Base(p) == "deployment.toml" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		written++
		check("file "+p, data)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, ok := commands["baseline"]; ok && written == 0 {
		t.Error("no written file was checked: the baseline and the --format FORMAT=FILE outputs should be there")
	}
}

// The checker itself must see a secret however an output renders it.
func TestSecretCheckerSeesEscapedSecrets(t *testing.T) {
	s := &secretSet{}
	sec := "ev&" + s.core(t, "probe") + "#1"
	for _, rendered := range []string{
		sec,
		strings.ReplaceAll(sec, "&", `\u0026`), // JSON
		strings.ReplaceAll(sec, "&", "&amp;"),  // XML
		fmt.Sprintf("%q", strings.ToUpper(sec)),
	} {
		if len(s.leaks([]byte("message: "+rendered+" end"))) != 1 {
			t.Errorf("checker misses %q", rendered)
		}
	}
	if l := s.leaks([]byte(`"****" (24 chars) sha256:0123456789abcdef`)); len(l) != 0 {
		t.Errorf("checker flags a redacted value: %v", l)
	}
}

// secExcerpt shows the lines of data that hold a secret, for the failure
// message (the secrets are random test values).
func secExcerpt(data []byte, s *secretSet) string {
	var b strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		if len(s.leaks([]byte(line))) > 0 {
			if len(line) > 300 {
				line = line[:300] + "..."
			}
			b.WriteString("    " + line + "\n")
		}
	}
	return b.String()
}

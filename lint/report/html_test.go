package report

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

func lintSeedHA(t testing.TB) *lint.Result {
	t.Helper()
	f, err := lint.LoadFS(os.DirFS("../../testdata"), "seed-ha", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func writeHTML(t testing.TB, res *lint.Result) string {
	t.Helper()
	w, ok := Get("html")
	if !ok {
		t.Fatal("format html is not registered")
	}
	var b bytes.Buffer
	if err := w(&b, res, Options{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHTMLIsSelfContained(t *testing.T) {
	page := writeHTML(t, lintSeedHA(t))
	// Nothing is fetched: no src attribute, no link, image or frame
	// element, no href or CSS url() outside the page (URLs quoted in
	// messages are text, and the SVG namespace is a name).
	for _, re := range []string{`(?i)\ssrc\s*=`, `(?i)<(link|img|iframe|object|embed|image)\b`, `(?i)url\([^#]`, `(?i)@import`, `(?i)href\s*=\s*"[^#"]`} {
		for _, m := range regexp.MustCompile(re).FindAllString(page, -1) {
			t.Errorf("the page fetches or names something outside itself: %q", m)
		}
	}
	if !strings.Contains(page, "<svg") || !strings.Contains(page, `id="node-n_apim_cp_2"`) {
		t.Error("the page has no topology picture")
	}
}

func TestHTMLListsEveryFindingWithLinks(t *testing.T) {
	res := lintSeedHA(t)
	page := writeHTML(t, res)
	items := regexp.MustCompile(`<li class="finding (error|warning|info)" id="finding-\d+" data-node="([^"]*)" data-edge="([^"]*)" data-rule="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(items) != len(res.Findings) || len(items) == 0 {
		t.Fatalf("%d findings listed, want %d", len(items), len(res.Findings))
	}
	for _, m := range items {
		if m[2] == "" || !strings.Contains(page, `id="node-`+m[2]+`"`) {
			t.Errorf("finding of rule %s links to node %q, which the picture does not draw", m[4], m[2])
		}
		if !strings.Contains(page, `id="rule-`+m[4]+`"`) {
			t.Errorf("rule %s has no explanation in the page", m[4])
		}
	}
	// The self-loop finding links to its edge.
	if !regexp.MustCompile(`data-node="n_apim_cp_2" data-edge="e\d+" data-rule="event-duplicate-url"`).MatchString(page) {
		t.Error("the event-duplicate-url finding of apim-cp-2 does not link to its edge")
	}
	for _, r := range res.Rules {
		if strings.Contains(page, `id="rule-`+r.ID+`"`) && !strings.Contains(page, templateEscape(firstLine(r.Doc))) {
			t.Errorf("rule %s: its documentation is not embedded", r.ID)
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func templateEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// A planted password never reaches the page: not in a finding, not in the
// picture, not in a database URL's query.
func TestHTMLHasNoSecret(t *testing.T) {
	const secret = "Zq8PlantedSecretValue"
	fsys := fstest.MapFS{
		"cp-1/deployment.toml": {Data: []byte(`[server]
hostname = "cp-1"
server_role = "control-plane"
[super_admin]
username = "admin"
password = "` + secret + `"
[database.apim_db]
url = "jdbc:mysql://db.example.com:3306/apim?user=apim&password=` + secret + `"
username = "apim"
password = "` + secret + `"
[apim.event_hub]
event_listening_endpoints = ["tcp://localhost:5672"]
`)},
		"gw-1/deployment.toml": {Data: []byte(`[server]
hostname = "gw-1"
server_role = "gateway-worker"
[apim.key_manager]
service_url = "https://admin:` + secret + `@cp-1:9443/services/"
[apim.event_hub]
event_listening_endpoints = ["tcp://admin:` + secret + `@cp-1:5672"]
`)},
	}
	f, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	page := writeHTML(t, res)
	if !strings.Contains(page, "plaintext-secret") || !strings.Contains(page, "db.example.com") {
		t.Fatal("the planted secrets made no finding or no database node: the test would prove nothing")
	}
	if strings.Contains(page, secret) {
		i := strings.Index(page, secret)
		t.Errorf("the page contains the planted secret: …%s…", page[max(0, i-120):i])
	}
}

package wso2

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestTokenRevocationCopyKey(t *testing.T) {
	const eh, th = EventHubDuplicateURL, ThrottlingDuplicateURL
	for _, c := range []struct {
		version      string
		ehSet, thSet bool
		want         string
	}{
		{"4.0.0", true, false, ""}, // 4.0.0 reads no [apim.event_hub] event_duplicate_url
		{"4.0.0", false, true, th},
		{"4.0.0", true, true, th},
		{"4.1.0", true, false, ""}, // the publisher is off without [apim.throttling]'s
		{"4.2.0", true, false, ""},
		{"4.2.0", false, true, th},
		{"4.2.0", true, true, eh}, // jndi2-cp.properties prefers [apim.event_hub]'s
		{"4.3.0", true, false, eh},
		{"4.3.0", false, true, th},
		{"4.7.0", true, true, eh},
		{"4.7.0", false, false, ""},
		{"", true, false, eh}, // unknown: as the newest
		{"", false, true, th},
	} {
		if got := TokenRevocationCopyKey(c.version, c.ehSet, c.thSet); got != c.want {
			t.Errorf("TokenRevocationCopyKey(%q, event_hub %v, throttling %v) = %q, want %q", c.version, c.ehSet, c.thSet, got, c.want)
		}
	}
	if EventHubDuplicateURLRead("4.0.0") || !EventHubDuplicateURLRead("4.1.0") || !EventHubDuplicateURLRead("") {
		t.Error("EventHubDuplicateURLRead: 4.0.0 reads no [apim.event_hub] event_duplicate_url, 4.1.0 on do")
	}
}

// TestTokenRevocationCopyKeyMatchesTemplates evaluates WSO2's own
// templates for every set of ../shared/wso2-metadata: the condition that
// turns tokenRevocationJMSPublisher2 on, and the if/elif chain of the JNDI
// file it publishes through, for each combination of the two keys.
func TestTokenRevocationCopyKeyMatchesTemplates(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "wso2-metadata")
	manifest, err := os.ReadFile(filepath.Join(root, "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("WSO2 metadata not found at %s: %v", root, err)
	}
	files := map[string]map[string]string{} // set -> pack path -> stored path
	for _, line := range strings.Split(string(manifest), "\n")[1:] {
		f := strings.Split(line, "\t")
		if len(f) < 11 || f[10] != "yes" {
			continue
		}
		if files[f[1]] == nil {
			files[f[1]] = map[string]string{}
		}
		files[f[1]][f[3]] = f[0]
	}
	read := func(set, pack string) string {
		t.Helper()
		p, ok := files[set][pack]
		if !ok {
			t.Fatalf("%s: no %s", set, pack)
		}
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	dupKey := regexp.MustCompile(`apim\.(event_hub|throttling)\.event_duplicate_url is defined`)
	provider := regexp.MustCompile(`java\.naming\.provider\.url">repository/conf/([^<]+)<`)
	checked := 0
	for set := range files {
		version := strings.Split(set, "/")[0]
		pub := read(set, "templates/repository/deployment/server/eventpublishers/tokenRevokeEventJMSPublisher_2.xml.j2")
		first, _, _ := strings.Cut(pub[strings.Index(pub, "{%"):], "%}")
		var cond []string // keys whose presence turns the publisher on
		for _, m := range dupKey.FindAllString(first, -1) {
			cond = append(cond, strings.TrimSuffix(m, " is defined"))
		}
		jndi := provider.FindStringSubmatch(pub)
		if jndi == nil || len(cond) == 0 {
			t.Fatalf("%s: cannot read the publisher template", set)
		}
		var chain []string // keys the JNDI file's if/elif chain tries, in order
		for _, line := range strings.Split(read(set, "templates/repository/conf/"+jndi[1]+".j2"), "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "{% if") || strings.HasPrefix(line, "{% elif") {
				if m := dupKey.FindString(line); m != "" {
					chain = append(chain, strings.TrimSuffix(m, " is defined"))
				}
			}
		}
		for _, ehSet := range []bool{false, true} {
			for _, thSet := range []bool{false, true} {
				isSet := map[string]bool{EventHubDuplicateURL: ehSet, ThrottlingDuplicateURL: thSet}
				want := ""
				for _, k := range cond {
					if isSet[k] {
						for _, c := range chain {
							if isSet[c] {
								want = c
								break
							}
						}
						break
					}
				}
				if got := TokenRevocationCopyKey(version, ehSet, thSet); got != want {
					t.Errorf("%s: event_hub set %v, throttling set %v: TokenRevocationCopyKey = %q, templates say %q (publisher on with %v, %s tries %v)",
						set, ehSet, thSet, got, want, cond, jndi[1], chain)
				}
			}
		}
		checked++
	}
	if checked < 17 {
		t.Errorf("checked %d sets, want the 17 of 4.0.0-4.7.0", checked)
	}
}

package lint

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// The one-pass matcher must scrub exactly what checking every secret
// against the text did, including secrets inside other secrets and
// short secrets that are only hidden as whole words.
func TestSecretSetScrubsLikeEverySecretInTurn(t *testing.T) {
	secrets := []string{"s3cr3t-pass", "pass", "Xy9", "abcdefgh", "bcdefghij", "wso2carbon", "9XyZ"}
	for i := range 400 {
		secrets = append(secrets, fmt.Sprintf("cipher%04d==", i))
	}
	set := newSecretSet(secrets)
	rng := rand.New(rand.NewPCG(1, 2))
	words := append([]string{" ", "url=", "x", "-", "pass", "Xy9", "9", "(", "abcdefghij"}, secrets[:12]...)
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(words[rng.IntN(len(words))])
		}
		text := b.String()
		if got, want := set.scrub(text), scrub(text, secrets); got != want {
			t.Fatalf("scrub(%q) = %q, checking every secret gives %q", text, got, want)
		}
	}
	if got := set.scrub("key cipher0399== and cipher0007== end"); strings.Contains(got, "cipher") {
		t.Errorf("secrets left in %q", got)
	}
}

func FuzzSecretSet(f *testing.F) {
	f.Add("a s3cr3t-pass b", "s3cr3t-pass")
	f.Add("Xy9Xy9", "Xy9")
	f.Fuzz(func(t *testing.T, text, secret string) {
		if len(secret) < 3 {
			return
		}
		list := []string{secret, secret + "x", "zz" + secret}
		if got, want := newSecretSet(list).scrub(text), scrub(text, list); got != want {
			t.Fatalf("scrub(%q) = %q, want %q", text, got, want)
		}
	})
}

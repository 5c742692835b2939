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

// Cipher-tool secrets start with every kind of three bytes; the filter in
// front of the index must let each through, whatever size it grew to.
func TestSecretSetFindsSecretsOfManyStarts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for _, n := range []int{1, 50, 5000} {
		secrets := make([]string, n)
		for i := range secrets {
			b := make([]byte, 24)
			for j := range b {
				b[j] = alphabet[rng.IntN(len(alphabet))]
			}
			secrets[i] = string(b) + "=="
		}
		set := newSecretSet(secrets)
		for i, sec := range secrets {
			text := fmt.Sprintf("value %d of key password is %s, not shown", i, sec)
			if got := set.in(text); len(got) != 1 || got[0] != sec {
				t.Fatalf("%d secrets: in(%q) = %q, want the secret", n, text, got)
			}
		}
		if got := set.in("a message that names no secret at all, with words and numbers 12345"); got != nil {
			t.Errorf("%d secrets: found %q in a text that holds none", n, got)
		}
	}
}

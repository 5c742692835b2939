package drift

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyEnv names the environment variable that holds the baseline key. CI
// passes the key this way, as a secret; elsewhere the key file is used.
const KeyEnv = "APIMLINT_BASELINE_KEY"

// minKeyLen is the shortest key accepted: a short key could be guessed as
// easily as the passwords it protects.
const minKeyLen = 16

// Secret modes of a baseline: how it holds secret values.
const (
	// SecretsHMAC: an HMAC-SHA256 of each value under a key that is not in
	// the file. The file alone reveals nothing; with the key, a changed
	// secret is detected.
	SecretsHMAC = "hmac-sha256"
	// SecretsPresence: no key was available; only whether each secret is
	// set and its placeholder form are kept. Value changes cannot be
	// detected.
	SecretsPresence = "presence"
	// secretsSaltedV1 is version 1's salted SHA-256 cut to 64 bits, salt
	// in the file: crackable offline in seconds. Read, never written.
	secretsSaltedV1 = "sha256-salted"
)

// DefaultKeyFile is where the baseline key is kept when APIMLINT_BASELINE_KEY
// is not set: apimlint/baseline.key in the user's configuration directory
// (~/.config on Linux), readable by its owner only.
func DefaultKeyFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("baseline key: %w", err)
	}
	return filepath.Join(dir, "apimlint", "baseline.key"), nil
}

// Key is the secret that keys a baseline's hashes, and where it came from.
type Key struct {
	secret []byte
	Source string // "$APIMLINT_BASELINE_KEY" or the key file's path
	// Created is set when the key file was made by this call.
	Created bool
}

// LoadKey finds the baseline key: APIMLINT_BASELINE_KEY (read through
// getenv), else the key file (DefaultKeyFile when file is empty). With
// create, a missing key file is made, with a random key, mode 0600. No
// key and no create gives a nil Key and no error.
func LoadKey(getenv func(string) string, file string, create bool) (*Key, error) {
	if v := strings.TrimSpace(getenv(KeyEnv)); v != "" {
		if len(v) < minKeyLen {
			return nil, fmt.Errorf("%s is %d characters; a baseline key needs at least %d", KeyEnv, len(v), minKeyLen)
		}
		return &Key{secret: []byte(v), Source: "$" + KeyEnv}, nil
	}
	if file == "" {
		var err error
		if file, err = DefaultKeyFile(); err != nil {
			if create {
				return nil, err
			}
			return nil, nil
		}
	}
	data, err := os.ReadFile(file)
	switch {
	case err == nil:
		v := strings.TrimSpace(string(data))
		if len(v) < minKeyLen {
			return nil, fmt.Errorf("baseline key file %s holds %d characters; a key needs at least %d", file, len(v), minKeyLen)
		}
		return &Key{secret: []byte(v), Source: file}, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("baseline key: %w", err)
	case !create:
		return nil, nil
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("baseline key: %w", err)
	}
	v := hex.EncodeToString(raw)
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, fmt.Errorf("baseline key: %w", err)
	}
	// O_EXCL: two first runs at once must not each write a key of their own.
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadKey(func(string) string { return "" }, file, false)
	}
	if err != nil {
		return nil, fmt.Errorf("baseline key: %w", err)
	}
	if _, err := f.WriteString(v + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("baseline key %s: %w", file, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("baseline key %s: %w", file, err)
	}
	return &Key{secret: []byte(v), Source: file, Created: true}, nil
}

// NewKey makes a key from secret bytes (for programs that keep the key
// themselves). It must be at least 16 bytes.
func NewKey(secret []byte) (*Key, error) {
	if len(secret) < minKeyLen {
		return nil, fmt.Errorf("a baseline key needs at least %d bytes, not %d", minKeyLen, len(secret))
	}
	return &Key{secret: append([]byte(nil), secret...), Source: "given"}, nil
}

func (k *Key) mac(s string) string {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte(s))
	return SecretsHMAC + ":" + hex.EncodeToString(m.Sum(nil))
}

// ID names the key without revealing it, so that a baseline read with
// another key says so instead of reporting every secret changed.
func (k *Key) ID() string {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte("apimlint baseline key id"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

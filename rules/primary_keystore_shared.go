package rules

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"

	"github.com/apimlint/apimlint/lint"
)

const primaryKS = "keystore.primary"

// PrimaryKeystoreShared checks that every APIM node uses the same primary
// keystore.
var PrimaryKeystoreShared = register(&lint.Rule{
	ID:       "primary-keystore-shared",
	Severity: lint.SeverityError,
	Summary:  "every APIM node uses the same primary keystore (file, type, alias)",
	Category: "consistency",
	Doc: `The primary keystore signs tokens and JWTs and encrypts registry resources and secure-vault
data that all nodes read from the shared database. WSO2 asks for the same primary keystore on
every API Manager node: a node with another key cannot decrypt what its peers wrote ("Keystore
was tampered with, or password was incorrect", invalid signatures on gateways).

apimlint compares [keystore.primary] file_name (by base name), type and alias of every APIM node
(Identity Server key managers keep their own and are left out), with WSO2's defaults for what a
file leaves out: wso2carbon.jks, JKS, alias wso2carbon — or wso2carbon.p12 / PKCS12 when the
fleet's nodes name that file explicitly and none names wso2carbon.jks (newer kernels ship the
p12). The odd node is reported, related to the majority; with two nodes that disagree, the second
by name is reported. Symbolic values are not judged.

Equal names do not prove equal keys: when the keystore files sit beside the configs (in the
node's repository/resources/security/, or at the paths .apimlint.toml lists under [[node]]
keystores), apimlint also compares the SHA-256 fingerprint of the alias's certificate. It reads
JKS, and PKCS#12 encrypted with PBES2/AES (keytool's format since Java 12) using the configured
password (WSO2's default wso2carbon when absent); a keystore it cannot read (legacy RC2/3DES
PKCS#12, a $secret{} password, a missing alias) is not compared.`,
	Example: `gw-2/deployment.toml:31:13: error: [keystore.primary] file_name "gw.jks" differs from "wso2carbon.jks" used by cp-1, cp-2, gw-1 (primary-keystore-shared)`,
	Fix: `Copy the same primary keystore file to every node and give every node the same
[keystore.primary] file_name, type and alias (use [keystore.tls] for per-node TLS certificates).`,
	Cost: 15,
	Run:  runPrimaryKeystoreShared,
})

func runPrimaryKeystoreShared(p *lint.Pass) {
	nodes := apimNodes(p.Fleet)
	if len(nodes) < 2 {
		return
	}
	// Newer kernels default to wso2carbon.p12; take that default only when
	// the fleet itself says so.
	defFile, defType := "wso2carbon.jks", "JKS"
	p12, jks := false, false
	for _, n := range nodes {
		for _, path := range []string{"keystore.primary.file_name", "keystore.tls.file_name", "keystore.internal.file_name"} {
			if _, s, ok := literal(n, path); ok {
				switch baseName(s) {
				case "wso2carbon.p12":
					p12 = true
				case "wso2carbon.jks":
					jks = true
				}
			}
		}
	}
	if p12 && !jks {
		defFile, defType = "wso2carbon.p12", "PKCS12"
	}
	reported := map[*lint.Node]bool{}
	for _, field := range []string{"file_name", "type", "alias"} {
		ballots := make([]ballot, 0, len(nodes))
		path := primaryKS + "." + field
		for _, n := range nodes {
			if reported[n] && !n.HasTable(primaryKS) && len(n.Under(primaryKS)) == 0 {
				// No [keystore.primary] at all: one finding for the
				// table (its file), not one per default it implies.
				continue
			}
			k, s, ok := literal(n, path)
			if k != nil && !ok {
				continue // symbolic or empty: not judged
			}
			shown := ""
			switch field {
			case "file_name":
				if k == nil {
					s, shown = defFile, defFile+" (WSO2's default)"
				}
				s = baseName(s)
			case "type":
				if k == nil {
					s = defType
					if _, fn, ok := literal(n, primaryKS+".file_name"); ok {
						s = typeForFile(fn)
					}
					shown = s + " (WSO2's default)"
				}
				s = strings.ToUpper(s)
				if s == "PKCS#12" || s == "P12" {
					s = "PKCS12"
				}
			case "alias":
				if k == nil {
					s, shown = "wso2carbon", "wso2carbon (WSO2's default)"
				}
			}
			if shown == "" {
				shown = fmt.Sprintf("%q", s)
			}
			ballots = append(ballots, ballot{node: n, key: k, val: s, show: shown})
		}
		for n := range reportMinority(p, ballots, primaryKS, primaryKS+"."+field,
			func(b ballot, ref *camp) string {
				return fmt.Sprintf("[keystore.primary] %s %s differs from %s used by %s; every APIM node needs the same primary keystore "+
					"to decrypt what the others encrypted", field, b.show, ref.show, campNodes(ref, 3))
			}) {
			reported[n] = true
		}
	}
	compareFingerprints(p, nodes, defFile, reported)
}

// compareFingerprints compares the certificate of the primary keystore's
// alias across the nodes whose keystore file sits beside their config.
// Nodes already reported for another keystore are skipped: one mistake,
// one finding.
func compareFingerprints(p *lint.Pass, nodes []*lint.Node, defFile string, reported map[*lint.Node]bool) {
	ballots := make([]ballot, 0, len(nodes))
	for _, n := range nodes {
		if reported[n] {
			continue
		}
		fk, fileName, ok := literal(n, primaryKS+".file_name")
		if fk == nil {
			fileName, ok = defFile, true
		}
		_, alias, aok := literal(n, primaryKS+".alias")
		if n.Get(primaryKS+".alias") == nil {
			alias, aok = "wso2carbon", true
		}
		pk, password, pok := literal(n, primaryKS+".password")
		if pk == nil {
			password, pok = "wso2carbon", true
		}
		if !ok || !aok || !pok {
			continue
		}
		path, data, found := keystoreFile(p.Fleet, n, fileName)
		if !found {
			continue
		}
		fp, err := certFingerprint(data, alias, password)
		if err != nil {
			continue // unreadable here: keystore coherence is another rule's business
		}
		ballots = append(ballots, ballot{node: n, key: fk, val: fp,
			show: fmt.Sprintf("%s (alias %q in %s)", shortFingerprint(fp), alias, filepath.Base(path))})
	}
	reportMinority(p, ballots, primaryKS, primaryKS+".file_name", func(b ballot, ref *camp) string {
		return fmt.Sprintf("the primary keystore beside this config holds certificate SHA-256 %s, but %s hold %s: same "+
			"settings, different key; copy one primary keystore to every node", b.show, campNodes(ref, 3), ref.show)
	})
}

// typeForFile is the keystore type WSO2 would need for a file name.
func typeForFile(name string) string {
	l := strings.ToLower(name)
	if strings.HasSuffix(l, ".p12") || strings.HasSuffix(l, ".pfx") {
		return "PKCS12"
	}
	return "JKS"
}

// reportMinority tallies ballots and reports every ballot outside the
// reference camp, at its key (or the table when defaulted), related to the
// reference camp.
func reportMinority(p *lint.Pass, ballots []ballot, table, keyPath string, msg func(b ballot, ref *camp) string) map[*lint.Node]bool {
	camps := tally(ballots)
	if len(camps) < 2 {
		return nil
	}
	out := map[*lint.Node]bool{}
	ref := camps[0]
	for _, c := range camps[1:] {
		for _, b := range c.ballots {
			f := at(b.node, b.key, table, keyPath, "%s", msg(b, ref))
			f.Related = relatedCamp(ref, "uses %s", ref.show)
			p.Report(f)
			out[b.node] = true
		}
	}
	return out
}

// Keystore files beside the configs. A node's keystore is looked up in
// its carbon home (the directory above repository/conf, or the node's
// own directory) under repository/resources/security/, and at the paths
// .apimlint.toml lists under [[node]] keystores.

// keystoreFile finds and reads the primary keystore of a node; ok is false
// when it is not beside the config.
func keystoreFile(f *lint.Fleet, n *lint.Node, fileName string) (path string, data []byte, ok bool) {
	// Only for fleets read from disk: the node's file must be where it says.
	if st, err := os.Stat(n.File); err != nil || st.IsDir() || st.Size() != int64(len(n.Src)) {
		return "", nil, false
	}
	base := baseName(fileName)
	dir := filepath.Dir(n.File)
	home := dir
	if filepath.Base(dir) == "conf" && filepath.Base(filepath.Dir(dir)) == "repository" {
		home = filepath.Dir(filepath.Dir(dir))
	}
	var cands []string
	if nc, found := f.Config.NodeConfigFor(n.Name); found {
		cfgDir := "."
		if f.Config.File != "" {
			cfgDir = filepath.Dir(f.Config.File)
		}
		for _, ks := range nc.Keystores {
			if baseName(ks) != base && len(nc.Keystores) > 1 {
				continue
			}
			if !filepath.IsAbs(ks) {
				ks = filepath.Join(cfgDir, ks)
			}
			cands = append(cands, ks)
		}
	}
	cands = append(cands, filepath.Join(home, "repository", "resources", "security", base))
	if !filepath.IsAbs(fileName) && strings.Contains(filepath.ToSlash(fileName), "/") {
		cands = append(cands, filepath.Join(home, filepath.FromSlash(fileName)))
	}
	for _, c := range cands {
		data, err := os.ReadFile(c)
		if err == nil {
			return c, data, true
		}
	}
	return "", nil, false
}

// certFingerprint returns the SHA-256 fingerprint of the certificate of
// alias in a JKS or PKCS#12 keystore. Certificates in JKS are stored in
// clear; in PKCS#12 they are usually encrypted with the store password
// (PBES2 with AES, as keytool writes since Java 12; the legacy RC2 and
// 3DES schemes are not read).
func certFingerprint(data []byte, alias, password string) (string, error) {
	var cert []byte
	var err error
	if len(data) >= 4 && (binary.BigEndian.Uint32(data) == 0xFEEDFEED || binary.BigEndian.Uint32(data) == 0xCECECECE) {
		cert, err = jksCert(data, alias)
	} else {
		cert, err = p12Cert(data, alias, password)
	}
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(cert)
	return strings.ToUpper(hex.EncodeToString(sum[:])), nil
}

// shortFingerprint renders the first bytes of a fingerprint, keytool style.
func shortFingerprint(fp string) string {
	var parts []string
	for i := 0; i+2 <= len(fp) && i < 16; i += 2 {
		parts = append(parts, fp[i:i+2])
	}
	return strings.Join(parts, ":") + "…"
}

var errNoAlias = errors.New("alias not found")

// jksReader reads big-endian fields, remembering the first error.
type jksReader struct {
	b   []byte
	err error
}

func (r *jksReader) next(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = errors.New("truncated keystore")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *jksReader) u16() int {
	b := r.next(2)
	if b == nil {
		return 0
	}
	return int(binary.BigEndian.Uint16(b))
}

func (r *jksReader) u32() int {
	b := r.next(4)
	if b == nil {
		return 0
	}
	return int(binary.BigEndian.Uint32(b) & 0x7fffffff)
}

func (r *jksReader) utf() string { return string(r.next(r.u16())) }

// jksCert returns the first certificate of alias's chain (or the trusted
// certificate of that alias).
func jksCert(data []byte, alias string) ([]byte, error) {
	r := &jksReader{b: data}
	r.next(4)
	version := r.u32()
	count := r.u32()
	for i := 0; i < count && r.err == nil; i++ {
		tag := r.u32()
		name := r.utf()
		r.next(8) // timestamp
		var first []byte
		switch tag {
		case 1: // private key entry: protected key, then the chain
			r.next(r.u32())
			chain := r.u32()
			for j := 0; j < chain && r.err == nil; j++ {
				if version == 2 {
					r.utf() // certificate type
				}
				c := r.next(r.u32())
				if j == 0 {
					first = c
				}
			}
		case 2: // trusted certificate
			if version == 2 {
				r.utf()
			}
			first = r.next(r.u32())
		default: // a JCEKS secret key: a serialized Java object that cannot be skipped
			return nil, fmt.Errorf("keystore entry %q of type %d cannot be read", name, tag)
		}
		if r.err == nil && strings.EqualFold(name, alias) && first != nil {
			return first, nil
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	return nil, errNoAlias
}

var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEncryptedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidCertBag       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidFriendlyName  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
	oidLocalKeyID    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 21}
	oidPBES2         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1      = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA256    = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA512    = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC     = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC     = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC     = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
)

type p12ContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"` // .Bytes is the tagged value
}

type p12PFX struct {
	Version  int
	AuthSafe p12ContentInfo
	MacData  asn1.RawValue `asn1:"optional"`
}

type p12EncryptedData struct {
	Version int
	Info    struct {
		ContentType asn1.ObjectIdentifier
		Algorithm   pkix.AlgorithmIdentifier
		Content     []byte `asn1:"tag:0,optional"`
	}
}

type p12SafeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue  `asn1:"tag:0,explicit"`
	Attributes []p12Attribute `asn1:"set,optional"`
}

type p12Attribute struct {
	ID    asn1.ObjectIdentifier
	Value asn1.RawValue `asn1:"set"`
}

type p12CertBag struct {
	ID   asn1.ObjectIdentifier
	Data []byte `asn1:"tag:0,explicit"`
}

// p12Cert returns the certificate whose friendly name is alias, or the
// only certificate that belongs to a key.
func p12Cert(data []byte, alias, password string) ([]byte, error) {
	var pfx p12PFX
	if _, err := asn1.Unmarshal(data, &pfx); err != nil {
		return nil, fmt.Errorf("not a JKS or PKCS#12 keystore: %w", err)
	}
	if !pfx.AuthSafe.ContentType.Equal(oidData) {
		return nil, errors.New("PKCS#12 keystore signed with public keys cannot be read")
	}
	var authSafe []byte
	if _, err := asn1.Unmarshal(pfx.AuthSafe.Content.Bytes, &authSafe); err != nil {
		return nil, err
	}
	var infos []p12ContentInfo
	if _, err := asn1.Unmarshal(authSafe, &infos); err != nil {
		return nil, err
	}
	var keyed [][]byte
	var lastErr error
	for _, ci := range infos {
		var safe []byte
		switch {
		case ci.ContentType.Equal(oidData):
			if _, err := asn1.Unmarshal(ci.Content.Bytes, &safe); err != nil {
				return nil, err
			}
		case ci.ContentType.Equal(oidEncryptedData):
			var ed p12EncryptedData
			if _, err := asn1.Unmarshal(ci.Content.Bytes, &ed); err != nil {
				return nil, err
			}
			var err error
			if safe, err = pbes2Decrypt(ed.Info.Algorithm, ed.Info.Content, password); err != nil {
				lastErr = err
				continue
			}
		default:
			continue
		}
		var bags []p12SafeBag
		if _, err := asn1.Unmarshal(safe, &bags); err != nil {
			lastErr = err
			continue
		}
		for _, bag := range bags {
			if !bag.ID.Equal(oidCertBag) {
				continue
			}
			var cb p12CertBag
			if _, err := asn1.Unmarshal(bag.Value.Bytes, &cb); err != nil {
				continue
			}
			for _, a := range bag.Attributes {
				switch {
				case a.ID.Equal(oidFriendlyName):
					var bmp asn1.RawValue
					if _, err := asn1.Unmarshal(a.Value.Bytes, &bmp); err == nil && strings.EqualFold(decodeBMP(bmp.Bytes), alias) {
						return cb.Data, nil
					}
				case a.ID.Equal(oidLocalKeyID):
					keyed = append(keyed, cb.Data)
				}
			}
		}
	}
	if len(keyed) == 1 {
		return keyed[0], nil
	}
	if lastErr != nil {
		return nil, lastErr
	}
	return nil, errNoAlias
}

func decodeBMP(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return string(utf16.Decode(u))
}

// pbes2Decrypt decrypts PBES2 (PBKDF2 + AES-CBC) content.
func pbes2Decrypt(alg pkix.AlgorithmIdentifier, content []byte, password string) ([]byte, error) {
	if !alg.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("PKCS#12 encryption %v is not supported (only PBES2 with AES)", alg.Algorithm)
	}
	var params struct {
		KDF pkix.AlgorithmIdentifier
		Enc pkix.AlgorithmIdentifier
	}
	if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &params); err != nil {
		return nil, err
	}
	if !params.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, errors.New("PBES2 without PBKDF2 is not supported")
	}
	var kdf struct {
		Salt   []byte
		Iter   int
		KeyLen int                      `asn1:"optional"`
		PRF    pkix.AlgorithmIdentifier `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(params.KDF.Parameters.FullBytes, &kdf); err != nil {
		return nil, err
	}
	var keyLen int
	switch {
	case params.Enc.Algorithm.Equal(oidAES128CBC):
		keyLen = 16
	case params.Enc.Algorithm.Equal(oidAES192CBC):
		keyLen = 24
	case params.Enc.Algorithm.Equal(oidAES256CBC):
		keyLen = 32
	default:
		return nil, fmt.Errorf("PBES2 cipher %v is not supported", params.Enc.Algorithm)
	}
	var iv []byte
	if _, err := asn1.Unmarshal(params.Enc.Parameters.FullBytes, &iv); err != nil || len(iv) != aes.BlockSize {
		return nil, errors.New("bad AES IV")
	}
	if kdf.Iter < 1 || kdf.Iter > 10_000_000 {
		return nil, errors.New("bad PBKDF2 iteration count")
	}
	var key []byte
	var err error
	switch {
	case len(kdf.PRF.Algorithm) == 0 || kdf.PRF.Algorithm.Equal(oidHMACSHA1):
		key, err = pbkdf2.Key(sha1.New, password, kdf.Salt, kdf.Iter, keyLen)
	case kdf.PRF.Algorithm.Equal(oidHMACSHA256):
		key, err = pbkdf2.Key(sha256.New, password, kdf.Salt, kdf.Iter, keyLen)
	case kdf.PRF.Algorithm.Equal(oidHMACSHA512):
		key, err = pbkdf2.Key(sha512.New, password, kdf.Salt, kdf.Iter, keyLen)
	default:
		return nil, fmt.Errorf("PBKDF2 PRF %v is not supported", kdf.PRF.Algorithm)
	}
	if err != nil {
		return nil, err
	}
	if len(content) == 0 || len(content)%aes.BlockSize != 0 {
		return nil, errors.New("bad encrypted content length")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(content))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, content)
	pad := int(out[len(out)-1])
	if pad < 1 || pad > aes.BlockSize || pad > len(out) {
		return nil, errors.New("wrong keystore password or corrupt keystore")
	}
	for _, c := range out[len(out)-pad:] {
		if int(c) != pad {
			return nil, errors.New("wrong keystore password or corrupt keystore")
		}
	}
	return out[:len(out)-pad], nil
}

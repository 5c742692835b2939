package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// KeystoreCoherence reports keystores of one node that share a file but
// not its password.
var KeystoreCoherence = register(&lint.Rule{
	ID:       "keystore-coherence",
	Severity: lint.SeverityError,
	Summary:  "[keystore.tls], [keystore.primary] or [keystore.internal] use the same file with different passwords",
	Category: "consistency",
	Doc: `A node has three keystores: [keystore.tls] (TLS), [keystore.primary] (signing, registry
encryption) and [keystore.internal] (encrypting secrets). An omitted [keystore.primary] is
WSO2's default, wso2carbon.jks with the password wso2carbon; an omitted [keystore.tls] or
[keystore.internal] follows [keystore.primary]. A keystore file has one store password (and one
password per key), so two tables that name the same file with different passwords cannot both
be right, and the node fails at start-up with "Keystore was tampered with, or password was
incorrect". The classic case: the shipped wso2carbon.jks is re-created with a new password and
only [keystore.tls] is updated. Files are compared by name; passwords are compared after
placeholders are resolved, and only when both are known: passwords from $secret{}, $env{} or
$sys{} are not compared. Passwords are never shown.`,
	Example: `gw-1/deployment.toml:8:12: error: [keystore.tls], [keystore.primary] (not set: WSO2's defaults) and [keystore.internal] (not set: it follows [keystore.primary]) use the same file wso2carbon.jks with different store passwords; start-up fails with "Keystore was tampered with, or password was incorrect" (keystore-coherence)`,
	Fix: `Either give every table that names the file the same password (write [keystore.primary] and
[keystore.internal] out in full, with password = "$secret{keystore_password}"), or give
[keystore.tls] a keystore file of its own.`,
	Cost: 10,
	Run:  runKeystoreCoherence,
})

// hdKeystore is one keystore table as WSO2 would use it.
type hdKeystore struct {
	table            string
	written          bool
	file             string
	password, keyPwd string
	pwOK, keyOK      bool
	alias            string
	pwKey            *lint.Key // where the password is written, if it is
	keyKey           *lint.Key
}

// hdReadKeystore reads a keystore table. A table that is not written is
// WSO2's default: the shipped keystore for [keystore.primary], the primary
// keystore for the others (given as base).
func hdReadKeystore(n *lint.Node, table string, base *hdKeystore) hdKeystore {
	ks := hdKeystore{table: table, file: "wso2carbon.jks", password: hdShippedPassword, keyPwd: hdShippedPassword,
		pwOK: true, keyOK: true, alias: "wso2carbon"}
	ks.written = n.Has(table)
	if !ks.written && base != nil {
		b := *base
		b.table, b.written, b.pwKey, b.keyKey = table, false, nil, nil
		return b
	}
	if k := n.Get(table + ".file_name"); k != nil {
		ks.file, _ = hdFileName(k.Value)
	}
	if k := n.Get(table + ".alias"); k != nil {
		ks.alias, _ = hdKnown(k.Value)
	}
	read := func(leaf string) (string, bool, *lint.Key) {
		k := n.Get(table + "." + leaf)
		if k == nil {
			return hdShippedPassword, true, nil
		}
		if k.Value.Kind != lint.KindString {
			return k.Value.Text(), true, k
		}
		// A $secret{} or $env{} password is unknown: two aliases may hold
		// the same value, so only known passwords are compared.
		// An empty password is a template value left to fill in.
		return k.Value.Resolved(), !k.Value.Symbolic && k.Value.Resolved() != "", k
	}
	ks.password, ks.pwOK, ks.pwKey = read("password")
	ks.keyPwd, ks.keyOK, ks.keyKey = read("key_password")
	return ks
}

// hdSameFile reports whether two tables name one file. A table left
// at its default matches either shipped name, as newer packs ship .p12.
func hdSameFile(a, b hdKeystore) bool {
	if a.file == "" || b.file == "" {
		return false
	}
	if !a.written || !b.written {
		return hdShippedKeystore(a.file) && hdShippedKeystore(b.file)
	}
	return strings.EqualFold(a.file, b.file)
}

func runKeystoreCoherence(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		if !hdApplies(n) || n.SyntaxError != nil {
			continue
		}
		if !hasPathPrefix(n, "keystore.") {
			// No [keystore.*] written: every store is WSO2's default and
			// only written stores are judged. Most gateways of a large
			// fleet; this spares three n.Has scans of their keys.
			continue
		}
		primary := hdReadKeystore(n, "keystore.primary", nil)
		stores := []hdKeystore{hdReadKeystore(n, "keystore.tls", &primary), primary, hdReadKeystore(n, "keystore.internal", &primary)}
		for i := range stores {
			a := stores[i]
			if !a.written {
				continue
			}
			var clashes []string
			var what []string
			var rel []lint.Related
			storeClash := false
			for j := range stores {
				b := stores[j]
				if j == i || (b.written && j < i) || !hdSameFile(a, b) {
					continue // a pair of written tables is reported once, by the first
				}
				var diff []string
				storeDiff := a.pwOK && b.pwOK && a.password != b.password && (a.pwKey != nil || b.pwKey != nil)
				if storeDiff {
					diff = append(diff, "store passwords")
					storeClash = true
				}
				if a.keyOK && b.keyOK && a.keyPwd != b.keyPwd && (a.keyKey != nil || b.keyKey != nil) &&
					a.alias != "" && strings.EqualFold(a.alias, b.alias) {
					diff = append(diff, "key passwords for alias "+a.alias)
				}
				if len(diff) == 0 {
					continue
				}
				name := "[" + b.table + "]"
				if !b.written && b.table == "keystore.primary" {
					name += " (not set: WSO2's defaults)"
				} else if !b.written {
					name += " (not set: it follows [keystore.primary])"
				} else if storeDiff && b.pwKey != nil {
					rel = append(rel, lint.RelatedKey(n, b.pwKey, "[%s] password", b.table))
				} else if b.keyKey != nil {
					rel = append(rel, lint.RelatedKey(n, b.keyKey, "[%s] key_password", b.table))
				}
				clashes = append(clashes, name)
				for _, d := range diff {
					if !slices.Contains(what, d) {
						what = append(what, d)
					}
				}
			}
			if len(clashes) == 0 {
				continue
			}
			msg := fmt.Sprintf("%s use the same file %s with different %s; start-up fails with \"Keystore was tampered with, or password was incorrect\"",
				hdJoinAnd(append([]string{"[" + a.table + "]"}, clashes...)), a.file, hdJoinAnd(what))
			var f lint.Finding
			switch {
			case a.pwKey != nil && (storeClash || a.keyKey == nil):
				f = lint.AtKey(n, a.pwKey, "%s", msg)
			case a.keyKey != nil:
				f = lint.AtKey(n, a.keyKey, "%s", msg)
			default:
				f = lint.AtTable(n, a.table, "%s", msg)
			}
			f.Related = rel
			p.Report(f)
		}
	}
}

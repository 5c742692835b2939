package rules

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

const (
	encTable    = "encryption"
	encKey      = "encryption.key"
	encProvider = "encryption.internal_crypto_provider"
)

// EncryptionKeyShared checks that [encryption] key and
// internal_crypto_provider agree on every APIM node.
var EncryptionKeyShared = register(&lint.Rule{
	ID:       "encryption-key-shared",
	Severity: lint.SeverityError,
	Summary:  "[encryption] key and internal_crypto_provider are the same on every APIM node",
	Category: "consistency", Tags: []string{"security"},
	Doc: `Since 4.4 API Manager encrypts internal data (secrets in the database, endpoint credentials
that gateways decrypt) with the symmetric [encryption] key. What one node encrypts, another reads:
the key must be identical on every node, and set on all nodes or on none (a node without it
falls back to the built-in key). internal_crypto_provider must match too: a node on the
keystore-based provider cannot read what the symmetric one wrote ("start-up fails with wrong
symmetric key").

apimlint compares the key by a salted hash and never prints it. Symbolic keys ($secret{},
$env{}) are not compared: their values are only known where the server runs. A node that leaves
internal_crypto_provider out gets its version's default; when the fleet sets an [encryption] key
anywhere (4.4 or newer), that default is the symmetric provider. Identity Server key managers
keep their own crypto settings and are left out.`,
	Example: `gw-2/deployment.toml:40:7: error: [encryption] key differs from the key of cp-1, cp-2, gw-1 (compared by hash) (encryption-key-shared)`,
	Fix: `Give every APIM node the same [encryption] key (ideally from one $secret{} or environment
variable) and the same internal_crypto_provider, or none of them.`,
	Run: runEncryptionKeyShared,
})

const (
	symmetricProvider = "SymmetricKeyInternalCryptoProvider"
)

func runEncryptionKeyShared(p *lint.Pass) {
	nodes := apimNodes(p.Fleet)
	if len(nodes) < 2 {
		return
	}
	// The key, by hash.
	ballots := make([]ballot, 0, len(nodes))
	var with, without []*lint.Node
	for _, n := range nodes {
		k := n.Get(encKey)
		if k == nil {
			without = append(without, n)
			continue
		}
		with = append(with, n)
		_, s, ok := literal(n, encKey)
		if !ok {
			continue
		}
		ballots = append(ballots, ballot{node: n, key: k, val: lint.HashSecret("encryption-key-shared", s), show: "the key"})
	}
	reportMinority(p, ballots, encTable, encKey, func(b ballot, ref *camp) string {
		return fmt.Sprintf("[encryption] key differs from the key of %s (compared by hash); what one node encrypts the other cannot decrypt",
			campNodes(ref, 3))
	})
	// Set on all or none: blame the smaller side; on a tie, the nodes
	// without a key, which silently use the built-in one.
	if len(with) > 0 && len(without) > 0 {
		// The other side is named once, not once per node of this side.
		if len(without) <= len(with) {
			others := listNames(nodeNameList(with), 3)
			for _, n := range without {
				f := lint.AtTable(n, encTable, "no [encryption] key here, but %s set one: this node encrypts with the built-in default "+
					"key and cannot read what they encrypt", others)
				f.Key = encKey
				f.Related = relatedNodesKey(with, encKey, "sets [encryption] key")
				p.Report(f)
			}
		} else {
			others := listNames(nodeNameList(without), 3)
			for _, n := range with {
				f := lint.AtKey(n, n.Get(encKey), "[encryption] key is set here but not on %s, which use the built-in default key; "+
					"set the same key on all nodes or on none", others)
				f.Related = relatedNodesKey(without, encTable, "has no [encryption] key")
				p.Report(f)
			}
		}
	}
	// The provider, by its class's short name.
	defProvider := ""
	if len(with) > 0 {
		defProvider = symmetricProvider
	}
	ballots = ballots[:0]
	for _, n := range nodes {
		k, s, ok := literal(n, encProvider)
		shown := ""
		switch {
		case k != nil && !ok:
			continue
		case k == nil && defProvider == "":
			continue // the version's default, which apimlint cannot know
		case k == nil:
			s, shown = defProvider, defProvider+" (the 4.4+ default)"
		}
		if i := strings.LastIndexByte(s, '.'); i >= 0 {
			s = s[i+1:]
		}
		if shown == "" {
			shown = s
		}
		ballots = append(ballots, ballot{node: n, key: k, val: s, show: shown})
	}
	reportMinority(p, ballots, encTable, encProvider, func(b ballot, ref *camp) string {
		return fmt.Sprintf("[encryption] internal_crypto_provider is %s here but %s on %s; nodes on different providers cannot read "+
			"each other's encrypted data", b.show, ref.show, campNodes(ref, 3))
	})
}

func relatedNodesKey(nodes []*lint.Node, keyPath, format string, args ...any) []lint.Related {
	var out []lint.Related
	for i, n := range nodes {
		if i == 3 {
			break
		}
		out = append(out, lint.RelatedKey(n, n.Get(keyPath), format, args...))
	}
	return out
}

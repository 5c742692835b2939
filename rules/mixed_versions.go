package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/effective"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// crossNodeKeys are settings every node of a fleet must agree on, because
// nodes exchange or share what they protect: secrets encrypted into the
// shared databases, tokens one node persists and another validates.
var crossNodeKeys = []string{
	`system.parameter."org.wso2.CipherTransformation"`,
	"encryption.internal_crypto_provider",
	"encryption.type",
	"encryption.algorithm",
	"apim.oauth_config.enable_token_encryption",
	"apim.oauth_config.enable_token_hashing",
	"apim.hashing.hashing_algorithm",
	"apim.token.revocation.enable_persistent_notifier",
}

// MixedVersions reports fleets whose nodes run versions with different
// defaults for keys all nodes must agree on.
var MixedVersions = register(&lint.Rule{
	ID:       "mixed-versions",
	Severity: lint.SeverityWarning,
	Category: "consistency",
	Summary:  "nodes on different WSO2 versions whose defaults differ for keys every node must agree on",
	Doc: `A rolling upgrade, or a fleet assembled from different releases, runs nodes of several
versions side by side. Most differences are harmless, but some defaults decide how data the nodes
share is written: 4.7.0 encrypts with AES/GCM (system.parameter."org.wso2.CipherTransformation")
and a symmetric-key crypto provider, where 4.6.0 uses RSA/OAEP and the keystore-based provider; a
4.7.0 node cannot decrypt what a 4.6.0 node stored in the shared database, and the other way round.
The rule compares the effective value (written, else inferred, else the version's default, from
WSO2's own default.json) of each such key on nodes whose version is declared or inferred without
doubt, and names the keys whose values differ because a node relies on its version's default.`,
	Example: `gw-3/deployment.toml:1:1: warning: gw-3 runs WSO2 API Manager 4.7.0, cp-1 runs 4.6.0, and their defaults differ for keys every node must agree on: … (mixed-versions)`,
	Fix: `Finish the upgrade, or set those keys explicitly to the same value on every node (and migrate
the data encrypted with the old setting).`,
	Requires: []*lint.Analysis{fleetversion.Analysis},
	Run:      runMixedVersions,
})

func runMixedVersions(p *lint.Pass) {
	byVersion := map[string][]*lint.Node{}
	for _, n := range p.Fleet.Nodes {
		if n.Dormant != "" {
			continue // runs no version
		}
		if ver, _, ok := fleetversion.OfPass(p)[n].Judged(); ok {
			byVersion[ver] = append(byVersion[ver], n)
		}
	}
	if len(byVersion) < 2 {
		return
	}
	// The reference is the version most nodes run (the oldest on a tie):
	// nodes on any other version are reported.
	var versions []string
	for v := range byVersion {
		versions = append(versions, v)
	}
	sort.Slice(versions, func(i, j int) bool {
		a, b := len(byVersion[versions[i]]), len(byVersion[versions[j]])
		if a != b {
			return a > b
		}
		return catalog.CompareVersions(versions[i], versions[j]) < 0
	})
	ref := versions[0]
	refNode := byVersion[ref][0]
	for _, ver := range versions[1:] {
		for _, n := range byVersion[ver] {
			var diffs []string
			for _, key := range crossNodeKeys {
				if !defaultsDiffer(fleetversion.OfPass(p), n, refNode, key) {
					continue
				}
				mine := effective.Of(p.Fleet, n, key)
				theirs := effective.Of(p.Fleet, refNode, key)
				if mine.Source != effective.Default && theirs.Source != effective.Default {
					continue // both written or inferred: other rules compare what is written
				}
				if mine.Source == effective.None || theirs.Source == effective.None || mine.Text() == theirs.Text() {
					continue
				}
				diffs = append(diffs, fmt.Sprintf("%s (%s: %s; %s: %s)", key, n.Name, describe(mine), refNode.Name, describe(theirs)))
			}
			if len(diffs) == 0 {
				continue
			}
			f := lint.At(n, lint.Position{Line: 1, Column: 1}, "",
				"%s runs WSO2 API Manager %s, %s runs %s, and their defaults differ for keys every node must agree on: %s",
				n.Name, ver, refNode.Name, ref, strings.Join(diffs, "; "))
			f.Related = append(f.Related, lint.Related{Node: refNode.Name, File: refNode.File, Line: 1, Column: 1,
				Message: fmt.Sprintf("%s runs %s", refNode.Name, ref)})
			p.Report(f)
		}
	}
}

// defaultsDiffer reports whether the two nodes' versions default a key
// differently.
func defaultsDiffer(versions map[*lint.Node]fleetversion.Version, a, b *lint.Node, key string) bool {
	def := func(n *lint.Node) string {
		sets := versions[n].Sets()
		if len(sets) == 0 {
			return ""
		}
		d, _ := sets[0].Default(key)
		return fmt.Sprint(d)
	}
	return def(a) != def(b)
}

func describe(v effective.Value) string {
	switch v.Source {
	case effective.Default:
		return fmt.Sprintf("%q by default in %s", v.Text(), v.From)
	case effective.Inferred:
		return fmt.Sprintf("%q inferred from %s", v.Text(), v.From)
	}
	return fmt.Sprintf("%q", v.Text())
}

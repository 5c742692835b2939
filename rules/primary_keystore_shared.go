package rules

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

const primaryKS = "keystore.primary"

// PrimaryKeystoreShared checks that every APIM node uses the same primary
// keystore.
var PrimaryKeystoreShared = register(&lint.Rule{
	ID:       "primary-keystore-shared",
	Severity: lint.SeverityError,
	Summary:  "every APIM node uses the same primary keystore (file, type, alias)",
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

Certificate fingerprints of keystore files beside the configs are not compared yet: equal names
do not prove equal keys.`,
	Example: `gw-2/deployment.toml:31:13: error: [keystore.primary] file_name "gw.jks" differs from "wso2carbon.jks" used by cp-1, cp-2, gw-1 (primary-keystore-shared)`,
	Fix: `Copy the same primary keystore file to every node and give every node the same
[keystore.primary] file_name, type and alias (use [keystore.tls] for per-node TLS certificates).`,
	Run: runPrimaryKeystoreShared,
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
		for _, t := range []string{"keystore.primary", "keystore.tls", "keystore.internal"} {
			if _, s, ok := literal(n, t+".file_name"); ok {
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
	for _, field := range []string{"file_name", "type", "alias"} {
		var ballots []ballot
		for _, n := range nodes {
			k, s, ok := literal(n, primaryKS+"."+field)
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
		reportMinority(p, ballots, primaryKS, primaryKS+"."+field,
			func(b ballot, ref *camp) string {
				return fmt.Sprintf("[keystore.primary] %s %s differs from %s used by %s; every APIM node needs the same primary keystore "+
					"to decrypt what the others encrypted", field, b.show, ref.show, campNodes(ref, 3))
			})
	}
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
func reportMinority(p *lint.Pass, ballots []ballot, table, keyPath string, msg func(b ballot, ref *camp) string) {
	camps := tally(ballots)
	if len(camps) < 2 {
		return
	}
	ref := camps[0]
	for _, c := range camps[1:] {
		for _, b := range c.ballots {
			f := at(b.node, b.key, table, keyPath, "%s", msg(b, ref))
			f.Related = relatedCamp(ref, "uses %s", ref.show)
			p.Report(f)
		}
	}
}

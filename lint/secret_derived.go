package lint

import "github.com/apimlint/apimlint/wso2"

// derivedFromSecret reports whether a key's resolved value carries a
// secret: the key is one, or a placeholder in it stands for one
// (hostname = "$ref{super_admin.password}", "${admin.password}"). Such a
// value is never an address: addresses are printed by nodes and written
// by init.
func derivedFromSecret(n *Node, k *Key) bool {
	return carriesSecret(n, k, 0)
}

func carriesSecret(n *Node, k *Key, depth int) bool {
	if k == nil || k.Value == nil || depth > 8 {
		return false
	}
	if k.IsSecret() {
		return true
	}
	for _, v := range k.Scalars() {
		for ph := range v.AllPlaceholders() {
			switch {
			case ph.Kind == wso2.PlaceholderRuntime && ph.Name == "admin.password":
				return true
			case ph.Kind == wso2.PlaceholderRef:
				if wso2.IsSecretPath(ph.Name) || carriesSecret(n, n.Get(ph.Name), depth+1) {
					return true
				}
			}
		}
	}
	return false
}

// Redact hides every plain secret value of the fleet that s contains, as
// the engine does for findings: for commands that print what they read
// from the fleet outside findings (nodes, init).
func (f *Fleet) Redact(s string) string { return f.secretSet().scrub(s) }

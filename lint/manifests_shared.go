package lint

import (
	"fmt"
	"strings"
)

// Several workloads may mount one ConfigMap: each is a node of its own, so
// a mistake in the shared file is one finding per node, at one manifest
// line. Only the JSON node field told them apart; the message now names
// the workload.

// sharedConfigMapNote is what a finding in a ConfigMap that several
// workloads mount adds to its message to say which workload's node it is
// for, unless the message names the node already; "" otherwise.
func sharedConfigMapNote(mn *ManifestNode, msg string) string {
	if mn.Workload == nil || len(mn.ConfigMap.MountedBy) < 2 || namesNode(msg, mn.Name) {
		return ""
	}
	return fmt.Sprintf(" (for %s; %d workloads mount %s)", mn.Workload.ObjectRef, len(mn.ConfigMap.MountedBy), mn.ConfigMap)
}

// namesNode reports whether msg names the node (not merely a longer name
// it begins: acp-1 in acp-10).
func namesNode(msg, name string) bool {
	for i := 0; ; {
		j := strings.Index(msg[i:], name)
		if j < 0 {
			return false
		}
		end := i + j + len(name)
		if end == len(msg) || !isNameByte(msg[end]) {
			return true
		}
		i = end
	}
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '#'
}

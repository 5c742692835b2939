package rules

import "github.com/apimlint/apimlint/lint"

// A StatefulSet's replicas are one node (one ConfigMap) but several
// servers, each with its own DNS name through a headless Service
// (lint.Target.Pod). Rules that ask "does this list name one server
// twice" compare pods, not nodes.

// epSamePod reports whether two URLs that reach one node may reach the
// same server: the same pod, or either names the node as a whole (its
// Service may send the connection to the other's pod).
func epSamePod(a, b string) bool { return a == "" || b == "" || a == b }

// epPodName names a node, or one of its replicas: "ns/statefulset/tm
// (pod tm-1)".
func epPodName(n *lint.Node, pod string) string {
	if pod == "" {
		return n.Name
	}
	return n.Name + " (pod " + pod + ")"
}

package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// verboseFlag is lint's -v/--verbose: say on stderr what was loaded and
// how each node's role and the fleet were decided, so a surprising finding
// can be traced to its cause.
type verboseFlag bool

func (v *verboseFlag) register(fs *flag.FlagSet) {
	fs.BoolVar((*bool)(v), "v", false, "shorthand for --verbose")
	fs.BoolVar((*bool)(v), "verbose", false, "report on stderr what was loaded and how the fleet and each node's role were decided")
}

// describeFleet writes what the loader decided: the fleet's root and
// config, and for each node its file, role with the evidence, and
// addresses.
func describeFleet(w io.Writer, paths []string, fl *lint.Fleet, rs []*lint.Rule) {
	fmt.Fprintf(w, "apimlint: fleet %s: %d %s from %s\n", fl.Root, len(fl.Nodes), plural(len(fl.Nodes), "node", "nodes"), strings.Join(paths, " "))
	switch {
	case fl.Config == nil || fl.Config.File == "":
		fmt.Fprintf(w, "apimlint: config: none (no %s at the fleet root; --config names one)\n", lint.ConfigFileName)
	default:
		fmt.Fprintf(w, "apimlint: config: %s (%d [[node]], %d [[loadbalancer]], %d [[ignore]], %d disabled rules)\n", fl.Config.File,
			len(fl.Config.Nodes), len(fl.Config.LoadBalancers), len(fl.Config.Ignore), len(fl.Config.Rules.Disable))
	}
	if fl.Config != nil && fl.Config.Fleet.Complete {
		fmt.Fprintln(w, "apimlint: [fleet] complete = true: a host that matches no node is an error")
	}
	fmt.Fprintf(w, "apimlint: rules: %d selected\n", len(rs))
	for _, n := range fl.Nodes {
		detail := n.RoleDetail
		if detail != "" {
			detail = ": " + detail
		}
		fmt.Fprintf(w, "apimlint: node %s (%s): role %s by %s%s\n", n.Name, n.File, n.Role, n.RoleSource, detail)
		if addrs := n.SortedAddresses(); len(addrs) > 0 {
			fmt.Fprintf(w, "apimlint:   addresses %s\n", strings.Join(addrs, ", "))
		}
		if n.SyntaxError != nil {
			fmt.Fprintf(w, "apimlint:   not valid TOML: read up to the error\n")
		}
	}
}

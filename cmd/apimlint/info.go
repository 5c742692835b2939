package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
	"github.com/apimlint/apimlint/wso2"
)

func init() {
	addCommand(&command{name: "rules", usage: "[--format text|json|markdown]", summary: "list the rules", run: runRules})
	addCommand(&command{name: "nodes", usage: "[--format text|json] PATH...", summary: "list the nodes: role, its source, addresses, ports", run: runNodes})
	addCommand(&command{name: "explain", usage: "RULE|KEY", summary: "explain a rule (what, why, example, fix) or a deployment.toml key", run: runExplain})
}

func runRules(env *cliEnv, args []string) int {
	fs := newFlagSet(env, "rules", "[--format text|json|markdown]")
	format := fs.String("format", "text", "text, json, or markdown (the README's rule table)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return flagError(err)
	}
	type listed struct {
		rule    *lint.Rule
		command string
	}
	var all []listed
	for _, r := range rules.All() {
		all = append(all, listed{r, "lint"})
	}
	for _, r := range extraRules {
		all = append(all, listed{r, extraRuleCommand[r.ID]})
	}
	switch *format {
	case "markdown":
		fmt.Fprint(env.stdout, rules.MarkdownTable())
	case "json":
		type ruleJSON struct {
			ID       string `json:"id"`
			Severity string `json:"severity"`
			Summary  string `json:"summary"`
			Command  string `json:"command"` // the command that reports it
			Category string `json:"category,omitempty"`
			Docs     string `json:"docs"` // lint.RuleDocURL
			Fixable  bool   `json:"fixable"`
		}
		out := make([]ruleJSON, 0, len(all))
		for _, l := range all {
			out = append(out, ruleJSON{l.rule.ID, l.rule.Severity.String(), l.rule.Summary, l.command, l.rule.Category, lint.RuleDocURL(l.rule.ID), l.rule.Fixable})
		}
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return usageError(env, "%v", err)
		}
	case "text":
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "RULE\tSEVERITY\tCOMMAND\tSUMMARY")
		for _, l := range all {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.rule.ID, l.rule.Severity, l.command, l.rule.Summary)
		}
		if err := tw.Flush(); err != nil {
			return usageError(env, "%v", err)
		}
	default:
		return usageError(env, "--format: unknown format %q (want text, json or markdown)", *format)
	}
	return exitOK
}

func runExplain(env *cliEnv, args []string) int {
	fs := newFlagSet(env, "explain", "RULE")
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(ids) != 1 {
		return usageError(env, "explain needs one rule ID; `apimlint rules` lists them")
	}
	r, ok := rules.Get(ids[0])
	if !ok {
		r, ok = extraRule(ids[0])
	}
	if !ok {
		if doc := ExplainKey(ids[0]); doc != "" {
			fmt.Fprint(env.stdout, doc)
			return exitOK
		}
		return usageError(env, "unknown rule or key %q; `apimlint rules` lists the rules, `apimlint keys` the keys", ids[0])
	}
	fmt.Fprint(env.stdout, Explain(r))
	return exitOK
}

// Explain renders a rule's documentation.
func Explain(r *lint.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s by default)\n\n%s\n\n", r.ID, r.Severity, r.Summary)
	fmt.Fprintf(&b, "What it checks and why:\n%s\n", indent(r.Doc))
	if r.Example != "" {
		fmt.Fprintf(&b, "\nExample finding:\n%s\n", indent(r.Example))
	}
	if r.Fix != "" {
		fmt.Fprintf(&b, "\nHow to fix:\n%s\n", indent(r.Fix))
	}
	if r.Run != nil {
		if r.Fixable {
			b.WriteString("\nAutomatic fix:\n    apimlint lint --fix applies it where the fleet decides the value (--diff shows it first).\n")
		} else {
			b.WriteString("\nAutomatic fix:\n    none: the right change needs a human decision.\n")
		}
	}
	return b.String()
}

func indent(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}

// nodeJSON is one node in `apimlint nodes --format json`.
type nodeJSON struct {
	Name       string         `json:"name"`
	File       string         `json:"file"`
	Role       string         `json:"role"`
	RoleSource string         `json:"roleSource"`
	RoleDetail string         `json:"roleDetail"`
	Offset     int            `json:"offset"`
	Addresses  []lint.Address `json:"addresses"`
	Ports      map[string]int `json:"ports"`
	// Version is the API Manager version the node is checked against
	// ("4.6.0", or "4.5.0|4.6.0" when unsure), with where it comes from.
	Version       string `json:"version"`
	VersionSource string `json:"versionSource"`
	VersionDetail string `json:"versionDetail"`
	// Dormant says why the node runs nowhere (an unmounted ConfigMap).
	Dormant string `json:"dormant,omitempty"`
}

func nodePorts(n *lint.Node) map[string]int {
	return map[string]int{
		"https":      n.Port(wso2.PortMgtHTTPS),
		"http":       n.Port(wso2.PortMgtHTTP),
		"nio-http":   n.Port(wso2.PortNIOHTTP),
		"nio-https":  n.Port(wso2.PortNIOHTTPS),
		"jms":        n.Port(wso2.PortJMS),
		"jms-tls":    n.Port(wso2.PortJMSTLS),
		"binary":     n.Port(wso2.PortBinary),
		"binary-tls": n.Port(wso2.PortBinaryTLS),
		"ws":         n.Port(wso2.PortWebSocket),
		"wss":        n.Port(wso2.PortWebSocketS),
	}
}

func runNodes(env *cliEnv, args []string) int {
	fs := newFlagSet(env, "nodes", "[--format text|json] PATH...")
	format := fs.String("format", "text", "text or json")
	config := fs.String("config", "", "fleet config file (default: PATH/.apimlint.toml when present)")
	var hf helmFlags
	hf.register(fs)
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	charts, err := hf.resolved()
	if err != nil {
		return usageError(env, "%v", err)
	}
	if len(paths) == 0 && len(charts) == 0 {
		return usageError(env, "nodes needs a PATH")
	}
	joinedWhy := "" // why sibling folders of the same roles are this one fleet
	if len(charts) > 0 || lint.IsManifestInput(paths) {
		// Kubernetes manifests are one fleet: no estate discovery.
	} else if estate, err := discoverEstate(paths, *config, nil, nil); err != nil {
		return usageError(env, "%v", err)
	} else if estate != nil && estate.Split {
		if err := writeEstateNodes(env.stdout, estate, *format); err != nil {
			return usageError(env, "%v", err)
		}
		return exitOK
	} else if estate != nil && len(estate.Fleets) == 1 && len(estate.Fleets[0].Joined) > 0 {
		joinedWhy = estate.Fleets[0].Why
	}
	opts := lint.LoadOptions{ConfigFile: *config, StdinName: hf.stdinName}
	var fleet *lint.Fleet
	if len(charts) > 0 {
		fleet, err = loadHelm(charts, paths, opts)
	} else {
		fleet, err = loadLintPaths(paths, opts)
	}
	if err != nil {
		return usageError(env, "%v", err)
	}
	stdout := redactingWriter{w: env.stdout, redact: fleet.Redact}
	switch *format {
	case "json":
		type clusterJSON struct {
			Host   string `json:"host"`
			Role   string `json:"role"`
			Ports  []int  `json:"ports"`
			Source string `json:"source"`
		}
		out := struct {
			Root     string        `json:"root"`
			Nodes    []nodeJSON    `json:"nodes"`
			Clusters []clusterJSON `json:"clusters"`
			Absent   []string      `json:"absentRoles"`
			Why      string        `json:"why,omitempty"`
		}{Root: fleet.Root, Nodes: []nodeJSON{}, Clusters: []clusterJSON{}, Absent: absentRoles(fleet), Why: joinedWhy}
		for _, n := range fleet.Nodes {
			v := fleetversion.For(fleet, n)
			out.Nodes = append(out.Nodes, nodeJSON{Name: n.Name, File: n.File, Role: string(n.Role), RoleSource: n.RoleSource,
				RoleDetail: n.RoleDetail, Offset: n.Offset, Addresses: append([]lint.Address{}, n.Addresses...), Ports: nodePorts(n),
				Version: v.String(), VersionSource: v.Source, VersionDetail: v.Why, Dormant: n.Dormant})
		}
		for _, c := range fleet.Book.Clusters() {
			out.Clusters = append(out.Clusters, clusterJSON{Host: c.Host, Role: string(c.Role), Ports: append([]int{}, c.Ports...), Source: c.Source})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return usageError(env, "%v", err)
		}
	case "text":
		w := stdout
		for _, n := range fleet.Nodes {
			fmt.Fprintf(w, "%s  %s\n", n.Name, n.File)
			fmt.Fprintf(w, "  role:      %s (from %s: %s)\n", n.Role, n.RoleSource, n.RoleDetail)
			v := fleetversion.For(fleet, n)
			fmt.Fprintf(w, "  version:   %s (%s: %s)\n", v.String(), v.Source, v.Why)
			var addrs []string
			for _, a := range n.Addresses {
				addrs = append(addrs, fmt.Sprintf("%s (%s)", a.Host, a.Source))
			}
			if n.Dormant != "" {
				addrs = []string{"none (no server runs this file)"}
			}
			fmt.Fprintf(w, "  addresses: %s\n", strings.Join(addrs, ", "))
			describeWorkload(w, fleet, n)
			p := nodePorts(n)
			fmt.Fprintf(w, "  ports:     offset %d: https %d, http %d, nio %d/%d, jms %d/%d, binary %d/%d, ws %d/%d\n",
				n.Offset, p["https"], p["http"], p["nio-http"], p["nio-https"], p["jms"], p["jms-tls"], p["binary"], p["binary-tls"], p["ws"], p["wss"])
		}
		for _, c := range fleet.Book.Clusters() {
			fmt.Fprintf(w, "cluster %s -> %s nodes (%s)\n", c.Host, c.Role, c.Source)
		}
		if a := absentRoles(fleet); len(a) > 0 {
			fmt.Fprintf(w, "absent roles: %s\n", strings.Join(a, ", "))
		}
		if joinedWhy != "" {
			fmt.Fprintf(w, "one fleet: %s\n", joinedWhy)
		}
	default:
		return usageError(env, "--format: unknown format %q (want text or json)", *format)
	}
	return exitOK
}

// absentRoles lists the APIM roles no node provides.
func absentRoles(f *lint.Fleet) []string {
	out := []string{}
	for _, r := range []wso2.Role{wso2.RoleControlPlane, wso2.RoleGateway, wso2.RoleTrafficManager, wso2.RoleKeyManager} {
		if len(f.ByRole(r)) == 0 {
			out = append(out, string(r))
		}
	}
	sort.Strings(out)
	return out
}

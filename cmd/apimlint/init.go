package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

func init() {
	addCommand(&command{name: "init", usage: "[--force] PATH", summary: "write a commented starter .apimlint.toml for the fleet at PATH", run: runInit})
}

func runInit(env *cliEnv, args []string) int {
	flags := newFlagSet(env, "init", "[--force] PATH")
	force := flags.Bool("force", false, "overwrite an existing "+lint.ConfigFileName)
	paths, err := parseInterspersed(flags, args)
	if err != nil {
		return flagError(err)
	}
	if len(paths) != 1 {
		return usageError(env, "init needs one PATH: the fleet directory")
	}
	dir := paths[0]
	st, err := os.Stat(dir)
	if err != nil {
		return usageError(env, "init: %v", err)
	}
	if !st.IsDir() {
		return usageError(env, "init: %s is not a directory; give the fleet's root directory", dir)
	}
	target := filepath.Join(dir, lint.ConfigFileName)
	if _, err := os.Stat(target); err == nil && !*force {
		return usageError(env, "init: %s exists; use --force to overwrite it", target)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return usageError(env, "init: %v", err)
	}
	if e, err := lint.DiscoverEstate(dir, lint.LoadOptions{}); err == nil && e.Split {
		if !pinnable(e) {
			return usageError(env, "init: %s holds %d fleets that share folders; a [[fleet]] path names a folder, so move each fleet's nodes into a folder of its own (apimlint nodes %s shows them)", dir, len(e.Fleets), dir)
		}
		if err := writeFileAtomic(target, func(w io.Writer) error { return estateConfig(w, e) }); err != nil {
			return usageError(env, "init: write %s: %v", target, err)
		}
		fmt.Fprintf(env.stdout, "wrote %s: %d fleets as [[fleet]] entries; review them, then run apimlint %s\n", target, len(e.Fleets), dir)
		return exitOK
	}
	// Infer from the node files alone: an existing config (being
	// replaced with --force) must not decide what is "inferred".
	fleet, err := lint.Load([]string{dir}, lint.LoadOptions{Config: &lint.Config{}})
	if err != nil {
		return usageError(env, "init: %v", err)
	}
	if err := writeFileAtomic(target, func(w io.Writer) error { return writeStarterConfig(w, fleet) }); err != nil {
		return usageError(env, "init: write %s: %v", target, err)
	}
	fmt.Fprintf(env.stdout, "wrote %s: %d %s; review the roles and addresses, then run apimlint %s\n",
		target, len(fleet.Nodes), pluralWord(len(fleet.Nodes), "node", "nodes"), dir)
	return exitOK
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// writeStarterConfig writes a config that declares what apimlint
// inferred, each fact with the evidence behind it, and every other section
// commented out with an example.
func writeStarterConfig(w io.Writer, f *lint.Fleet) error {
	ew := &initWriter{w: redactingWriter{w: w, redact: f.Redact}}
	ew.line("# apimlint configuration for this fleet, written by `apimlint init`.")
	ew.line("# Every section is optional. `apimlint rules` lists the rules, `apimlint explain RULE`")
	ew.line("# explains one. Unknown keys here are errors, so typos do not pass silently.")
	ew.line("")
	// exclude is a top-level key: written under [fleet] it would be
	// fleet.exclude, an unknown key, once uncommented.
	ew.line("# Node files to skip, as globs on paths below the fleet root.")
	ew.line(`# exclude = ["old/**", "*/backup/*"]`)
	ew.line("")
	ew.line("[fleet]")
	ew.line("# Set to true once the [[node]] entries below list every host name each node answers to:")
	ew.line("# a host that matches no node is then an error rather than a possible load balancer.")
	ew.line("complete = false")
	ew.line("")
	ew.line("[rules]")
	ew.line(`# disable = ["jms-without-tls"]`)
	ew.line(`# enable = []`)
	ew.line("")
	ew.line("[rules.severity]")
	ew.line("# Re-grade a rule: error, warning, info, or none to drop its findings.")
	ew.line(`# plaintext-secret = "error"`)
	ew.line("")
	if len(f.Nodes) == 0 {
		ew.line("# No deployment.toml was found below this directory; declare nodes like this:")
		ew.line("# [[node]]")
		ew.line(`# path = "gw-1"            # node directory below the fleet root, or a glob`)
		ew.line(`# role = "gateway"         # control-plane, gateway, traffic-manager, key-manager, all-in-one`)
		ew.line(`# addresses = ["gw-1.internal"]`)
		ew.line("")
	}
	for _, n := range f.Nodes {
		ew.line("[[node]]")
		ew.printf("path = %s\n", lint.QuoteTOML(n.Name))
		if n.Role.IsAPIM() {
			ew.printf("role = %s  # inferred from %s: %s\n", lint.QuoteTOML(string(n.Role)), n.RoleSource, oneLine(n.RoleDetail))
		} else {
			ew.printf("# role = \"gateway\"  # apimlint could not tell (%s): set the role of this node\n", oneLine(n.RoleDetail))
		}
		var hosts, sources []string
		for _, a := range n.Addresses {
			hosts = append(hosts, lint.QuoteTOML(a.Host))
			sources = append(sources, a.Host+" from "+a.Source)
		}
		if len(hosts) > 0 {
			ew.printf("addresses = [%s]  # %s\n", strings.Join(hosts, ", "), oneLine(strings.Join(sources, "; ")))
		}
		if n.Offset != 0 {
			ew.printf("offset = %d  # [server] offset\n", n.Offset)
		}
		ew.line("")
	}
	if cs := f.Book.Clusters(); len(cs) > 0 {
		ew.line("# Host names that stand for all nodes of a role (a load balancer or a shared name).")
		for _, c := range cs {
			if !c.Role.IsAPIM() {
				continue
			}
			ew.printf("[[loadbalancer]]  # inferred: %s\n", oneLine(c.Source))
			ew.printf("host = %s\n", lint.QuoteTOML(c.Host))
			ew.printf("role = %s\n", lint.QuoteTOML(string(c.Role)))
			if len(c.Ports) > 0 {
				ports := make([]string, len(c.Ports))
				for i, p := range c.Ports {
					ports[i] = fmt.Sprint(p)
				}
				ew.printf("ports = [%s]\n", strings.Join(ports, ", "))
			}
			ew.line("")
		}
	} else {
		ew.line("# A load balancer in front of the nodes of one role:")
		ew.line("# [[loadbalancer]]")
		ew.line(`# host = "gw.example.com"`)
		ew.line(`# role = "gateway"`)
		ew.line("# ports = [443, 8243]")
		ew.line("")
	}
	ew.line("[drift]")
	ew.line("# Keys expected to differ between peers of one role.")
	ew.line(`# ignore = ["server.hostname", "apim.gateway_notification.gateway_id"]`)
	ew.line("")
	ew.line("# Suppress findings in files that cannot carry `# apimlint:ignore RULE -- reason` comments.")
	ew.line("# [[ignore]]")
	ew.line(`# rule = "gateway-id-unique"`)
	ew.line(`# path = "gw-1"`)
	ew.line(`# key = "apim.gateway_notification.gateway_id"`)
	ew.line(`# reason = "why this finding is acceptable"`)
	ew.line(`# until = "2027-01-31"`)
	return ew.err
}

type initWriter struct {
	w   io.Writer
	err error
}

func (e *initWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *initWriter) line(s string) { e.printf("%s\n", s) }

// oneLine keeps evidence on its comment line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

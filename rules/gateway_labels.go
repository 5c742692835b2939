package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

const (
	gwSyncTable  = "apim.sync_runtime_artifacts.gateway"
	gwLabelsKey  = gwSyncTable + ".gateway_labels"
	gwSyncEnable = gwSyncTable + ".enable"
	envArray     = "apim.gateway.environment"
)

// GatewayLabels checks gateway labels against the control planes'
// gateway environments.
var GatewayLabels = register(&lint.Rule{
	ID:       "gateway-labels",
	Severity: lint.SeverityError,
	Summary:  "gateway labels name the control planes' gateway environments",
	Category: "topology",
	Doc: `A control plane deploys an API revision to the [[apim.gateway.environment]]s the publisher picks;
a gateway pulls the revisions of the environments named in its [apim.sync_runtime_artifacts.gateway]
gateway_labels (WSO2's default is ["Default"] when the key is absent). A label that names no
environment leaves the gateway empty ("Environment not found for label"; APIs stuck in
"deployment pending"). apimlint checks, when the fleet holds control planes:

- every gateway label names an environment of a control plane (error);
- every environment is served by some gateway (warning; environments of external gateways, with a
  gateway_type other than Regular, or a provider other than wso2, are left alone);
- no gateway sets labels while artifact sync is disabled on it (enable = false in
  [apim.sync_runtime_artifacts.gateway]): the labels then do nothing (error);
- an environment's type fits the gateways serving it: a sandbox gateway (by its name or host)
  serving a production or hybrid environment accepts production keys, a production gateway
  serving a sandbox environment rejects them, and an environment named "sandbox" typed
  production (or the reverse) is suspicious (warning);
- control planes that share one apim_db define the same environments, names and types (error):
  the publisher shows whichever node answered.

Labels or environment names that are symbolic ($env{}) are not judged. Environments created in
the Admin Portal live in the database, not in deployment.toml: declare those with an [[ignore]].`,
	Example: `gw-2/deployment.toml:21:19: error: gateway label "Prod" names no [[apim.gateway.environment]] of the control planes (they define "Default", "Production") (gateway-labels)`,
	Fix: `Make every gateway_labels entry the name of an environment the control planes define (names are
case-sensitive), give each environment a gateway, and keep the environment lists of all control
planes identical.`,
	Run: runGatewayLabels,
})

type gwEnv struct {
	node     *lint.Node
	name     string
	typ      string // production, sandbox, hybrid (WSO2's default hybrid)
	nameKey  *lint.Key
	typeKey  *lint.Key
	symbolic bool
	external bool // served by a gateway apimlint does not see (APK, AWS, …)
}

func environments(n *lint.Node) []gwEnv {
	var out []gwEnv
	for i := range n.ArrayLen(envArray) {
		base := fmt.Sprintf("%s[%d].", envArray, i)
		e := gwEnv{node: n, typ: "hybrid"}
		e.nameKey = n.Get(base + "name")
		if e.nameKey == nil {
			continue
		}
		e.name = e.nameKey.Value.Text()
		e.symbolic = e.nameKey.Value.Symbolic
		if k := n.Get(base + "type"); k != nil {
			e.typeKey = k
			e.typ = strings.ToLower(strings.TrimSpace(k.Value.Text()))
		}
		if gt, ok := n.String(base + "gateway_type"); ok && gt != "" && !strings.EqualFold(gt, "Regular") && !strings.EqualFold(gt, "Synapse") {
			e.external = true
		}
		if pr, ok := n.String(base + "provider"); ok && pr != "" && !strings.EqualFold(pr, "wso2") {
			e.external = true
		}
		out = append(out, e)
	}
	return out
}

type gwLabel struct {
	val *lint.Value
	key *lint.Key // nil when defaulted
}

// labelsOf returns a gateway's labels; absent means WSO2's ["Default"].
func labelsOf(n *lint.Node) (labels []gwLabel, symbolic bool) {
	k := n.Get(gwLabelsKey)
	if k == nil {
		return []gwLabel{{val: lint.StringValue("Default")}}, false
	}
	for _, v := range k.Scalars() {
		if v.Symbolic {
			symbolic = true
			continue
		}
		labels = append(labels, gwLabel{val: v, key: k})
	}
	return labels, symbolic
}

// intent reads "sandbox" or "production" from name tokens.
func intent(names ...string) string {
	sb, prod := false, false
	for _, name := range names {
		for _, t := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
		}) {
			switch t {
			case "sandbox", "sbx", "sandboxes":
				sb = true
			case "prod", "production", "prd":
				prod = true
			}
		}
	}
	switch {
	case sb && !prod:
		return "sandbox"
	case prod && !sb:
		return "production"
	}
	return ""
}

func runGatewayLabels(p *lint.Pass) {
	cps := p.Fleet.ByRole(wso2.RoleControlPlane)
	if len(cps) == 0 {
		return
	}
	envSymbolic := false
	byName := map[string][]gwEnv{}
	for _, cp := range cps {
		for _, e := range environments(cp) {
			if e.symbolic {
				envSymbolic = true
				continue
			}
			byName[e.name] = append(byName[e.name], e)
		}
	}
	checkEnvironmentsAgree(p, cps)
	if len(byName) == 0 {
		// No environment in any file: they may all come from the Admin
		// Portal, so labels cannot be judged.
		return
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	quoted := quoteAll(names)

	gws := p.Fleet.ByRole(wso2.RoleGateway)
	dedicated := false
	for _, gw := range gws {
		dedicated = dedicated || gw.Role == wso2.RoleGateway
	}
	served := map[string][]*lint.Node{}
	labelSymbolic := false
	for _, gw := range gws {
		labels, sym := labelsOf(gw)
		labelSymbolic = labelSymbolic || sym
		if en := gw.Get(gwSyncEnable); en != nil {
			if on, ok := en.Value.Truthy(); ok && !on && gw.Get(gwLabelsKey) != nil {
				f := lint.AtKey(gw, en, "gateway_labels %s are set but artifact sync is disabled here (enable = false): "+
					"the gateway never pulls the APIs deployed to them (\"Artifact retriever not found\"); remove enable = false",
					gw.Get(gwLabelsKey).Show())
				f.Related = []lint.Related{lint.RelatedKey(gw, gw.Get(gwLabelsKey), "the labels")}
				p.Report(f)
			}
		}
		for _, l := range labels {
			name := l.val.Text()
			served[name] = append(served[name], gw)
			if byName[name] != nil || envSymbolic {
				continue
			}
			hint := ""
			for _, n := range names {
				if strings.EqualFold(n, name) {
					hint = fmt.Sprintf("; names are case-sensitive: %q differs from %q only in case", name, n)
				}
			}
			if l.key == nil && dedicated && gw.Role != wso2.RoleGateway {
				// An all-in-one node beside dedicated gateways: its
				// embedded gateway idles on the default label, and the
				// environments are the dedicated gateways' to serve.
				continue
			}
			var f lint.Finding
			if l.key == nil {
				f = lint.AtTable(gw, gwSyncTable, "no gateway_labels, so WSO2's default \"Default\" applies, but no control plane defines "+
					"an [[apim.gateway.environment]] named \"Default\" (they define %s); this gateway receives no API", quoted)
				f.Key = gwLabelsKey
			} else {
				f = lint.AtValue(gw, l.key, l.val, "gateway label %q names no [[apim.gateway.environment]] of the control planes "+
					"(they define %s); APIs never reach this gateway through it%s", name, quoted, hint)
			}
			f.Related = []lint.Related{lint.RelatedKey(byName[names[0]][0].node, byName[names[0]][0].nameKey, "environments are defined here")}
			p.Report(f)
		}
	}
	if len(gws) == 0 || labelSymbolic {
		return
	}
	for _, name := range names {
		e := byName[name][0] // reported once, at the first control plane that defines it
		if e.external {
			continue
		}
		if served[name] == nil {
			f := lint.AtKey(e.node, e.nameKey, "gateway environment %q is served by no gateway: none of %s lists it in gateway_labels; "+
				"APIs deployed to it reach no gateway", name, listNames(nodeNameList(gws), 4))
			f.Severity = lint.SeverityWarning
			p.Report(f)
			continue
		}
		reportTypeFit(p, e, served[name])
	}
}

func reportTypeFit(p *lint.Pass, e gwEnv, gws []*lint.Node) {
	if e.typ != "production" && e.typ != "sandbox" && e.typ != "hybrid" {
		return // an invalid type is the schema's to report
	}
	k := e.typeKey
	if k == nil {
		k = e.nameKey
	}
	if want := intent(e.name); want != "" && e.typ != want && e.typ != "hybrid" {
		f := lint.AtKey(e.node, k, "gateway environment %q is named like a %s environment but its type is %s", e.name, want, e.typ)
		f.Severity = lint.SeverityWarning
		p.Report(f)
		return
	}
	// Gateways that do not fit the type are reported once per kind of
	// misfit, on the environment's key, with the gateways as related
	// places: a thousand sandbox gateways are one mistake of one line.
	var sandbox, production []*lint.Node
	for _, gw := range gws {
		switch gi := intent(gw.Name, gw.ServerHostname()); {
		case gi == "sandbox" && e.typ != "sandbox":
			sandbox = append(sandbox, gw)
		case gi == "production" && e.typ == "sandbox":
			production = append(production, gw)
		}
	}
	if len(sandbox) > 0 {
		reportMisfits(p, e, k, sandbox, "sandbox", fmt.Sprintf("of type %s", e.typ), "accepts production keys", "accept production keys")
	}
	if len(production) > 0 {
		reportMisfits(p, e, k, production, "production", "of type sandbox", "rejects production keys", "reject production keys")
	}
}

// misfitRelated caps the gateways a grouped finding relates.
const misfitRelated = 10

func reportMisfits(p *lint.Pass, e gwEnv, k *lint.Key, gws []*lint.Node, kind, typ, one, many string) {
	var msg string
	if len(gws) == 1 {
		msg = fmt.Sprintf("%s gateway %s serves environment %q %s: it %s", kind, gws[0].Name, e.name, typ, one)
	} else {
		msg = fmt.Sprintf("%d %s gateways (%s) serve environment %q %s: they %s", len(gws), kind, listNames(nodeNameList(gws), 5), e.name, typ, many)
	}
	f := lint.AtKey(e.node, k, "%s", msg)
	f.Severity = lint.SeverityWarning
	for _, gw := range gws[:min(len(gws), misfitRelated)] {
		if lk := gw.Get(gwLabelsKey); lk != nil {
			f.Related = append(f.Related, lint.RelatedKey(gw, lk, "%s serves %q", gw.Name, e.name))
		} else {
			f.Related = append(f.Related, lint.RelatedNode(gw, "%s serves %q by default", gw.Name, e.name))
		}
	}
	p.Report(f)
}

// checkEnvironmentsAgree compares the environments of control planes that
// share one apim_db.
func checkEnvironmentsAgree(p *lint.Pass, cps []*lint.Node) {
	groups := map[string][]*lint.Node{}
	var order []string
	descs := map[string]string{}
	for _, cp := range cps {
		d := readDB(cp, "apim_db")
		if d.Kind != dbServer {
			continue
		}
		id := d.ID(cp)
		if groups[id] == nil {
			order = append(order, id)
			descs[id] = d.String()
		}
		groups[id] = append(groups[id], cp)
	}
	for _, id := range order {
		nodes := groups[id]
		if len(nodes) < 2 {
			continue
		}
		var ballots []ballot
		envsOf := map[*lint.Node]map[string]string{}
		for _, cp := range nodes {
			m := map[string]string{}
			var sig []string
			for _, e := range environments(cp) {
				m[e.name] = e.typ
				sig = append(sig, e.name+"="+e.typ)
			}
			sort.Strings(sig)
			envsOf[cp] = m
			var k *lint.Key
			if es := environments(cp); len(es) > 0 {
				k = es[0].nameKey
			}
			ballots = append(ballots, ballot{node: cp, key: k, val: strings.Join(sig, "\x00")})
		}
		camps := tally(ballots)
		if len(camps) < 2 {
			continue
		}
		ref := camps[0]
		refNode := ref.ballots[0].node
		for _, c := range camps[1:] {
			for _, b := range c.ballots {
				diff := envDiff(envsOf[b.node], envsOf[refNode])
				f := at(b.node, b.key, envArray, envArray, "gateway environments differ from those of %s, which shares this apim_db (%s): %s; "+
					"control planes on one database must define the same environments", campNodes(ref, 3), descs[id], diff)
				f.Related = relatedCamp(ref, "defines the environments")
				p.Report(f)
			}
		}
	}
}

func envDiff(here, there map[string]string) string {
	var parts []string
	var missing, extra, types []string
	for n, t := range there {
		ht, ok := here[n]
		switch {
		case !ok:
			missing = append(missing, fmt.Sprintf("%q", n))
		case ht != t:
			types = append(types, fmt.Sprintf("%q is %s here, %s there", n, ht, t))
		}
	}
	for n := range here {
		if _, ok := there[n]; !ok {
			extra = append(extra, fmt.Sprintf("%q", n))
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	sort.Strings(types)
	if len(missing) > 0 {
		parts = append(parts, "missing here "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		parts = append(parts, "only here "+strings.Join(extra, ", "))
	}
	parts = append(parts, types...)
	return strings.Join(parts, "; ")
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func nodeNameList(nodes []*lint.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Name
	}
	return out
}

package rules

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// This file holds what the fleet-consistency rules (shared databases,
// keystores, keys, credentials, peer drift, gateway labels) share: which
// nodes are APIM nodes, majority votes, and database identities.

// isIdentityServer reports whether a key-manager node is a WSO2 Identity
// Server rather than an APIM pack: it has no apim.* key at all. IS keeps
// its own admin, keystore and crypto settings, so the APIM-wide rules
// leave it out.
func isIdentityServer(n *lint.Node) bool {
	if n.Role != wso2.RoleKeyManager {
		return false
	}
	for _, k := range n.Keys {
		if strings.HasPrefix(k.Path, "apim.") {
			return false
		}
	}
	return true
}

// apimNodes returns the fleet's API Manager nodes (not Identity Server,
// Micro Integrator, nodes of unknown role or dormant ones), in name order.
func apimNodes(f *lint.Fleet) []*lint.Node {
	var out []*lint.Node
	for _, n := range f.Nodes {
		if n.Role.IsAPIM() && !isIdentityServer(n) && n.Dormant == "" {
			out = append(out, n)
		}
	}
	return out
}

// ballot is one node's vote: a comparable value, and how to show it.
type ballot struct {
	node *lint.Node
	key  *lint.Key // where the value is written (nil when defaulted)
	val  string    // what is compared
	show string    // how it is shown; never a secret
}

// camp is the nodes that voted the same value.
type camp struct {
	val     string
	show    string
	ballots []ballot
	named   map[int]string // campNodes by limit: asked once per finding
}

// tally groups ballots by value, ranked by rankCamps: the first camp is
// the reference.
func tally(bs []ballot) []*camp {
	// Counted first, then placed: the camps' ballots share one array of
	// exactly len(bs), where appending grew a copy per camp (a tenth of a
	// lint's garbage on 3,000 nodes).
	byVal := map[string]int{}
	var camps []*camp
	var counts []int
	for _, b := range bs {
		i, ok := byVal[b.val]
		if !ok {
			i = len(camps)
			byVal[b.val] = i
			camps = append(camps, &camp{val: b.val, show: b.show})
			counts = append(counts, 0)
		}
		counts[i]++
	}
	all := make([]ballot, len(bs))
	for i, c := range camps {
		c.ballots, all = all[:0:counts[i]], all[counts[i]:]
	}
	for _, b := range bs {
		c := camps[byVal[b.val]]
		c.ballots = append(c.ballots, b)
	}
	rankCamps(camps, func(c *camp) int { return len(c.ballots) }, func(c *camp) []*lint.Node {
		nodes := make([]*lint.Node, len(c.ballots))
		for i, b := range c.ballots {
			nodes[i] = b.node
		}
		return nodes
	})
	return camps
}

// campNodes names up to max nodes of a camp, "a, b and 3 more".
// Every minority node's finding names the reference camp: listing it is
// done once per camp, not once per finding (O(minority × camp) before).
func campNodes(c *camp, limit int) string {
	if s, ok := c.named[limit]; ok {
		return s
	}
	names := make([]string, 0, len(c.ballots))
	for _, b := range c.ballots {
		names = append(names, b.node.Name)
	}
	sort.Strings(names)
	if c.named == nil {
		c.named = map[int]string{}
	}
	c.named[limit] = listNames(names, limit)
	return c.named[limit]
}

func listNames(names []string, limit int) string {
	if len(names) <= limit {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:limit], ", "), len(names)-limit)
}

// relatedCamp relates up to three nodes of the reference camp to a finding.
func relatedCamp(c *camp, format string, args ...any) []lint.Related {
	var out []lint.Related
	for i, b := range c.ballots {
		if i == 3 {
			break
		}
		out = append(out, lint.RelatedKey(b.node, b.key, format, args...))
	}
	return out
}

// at builds a finding at a key when written, else at its table header,
// else at line 1.
func at(n *lint.Node, k *lint.Key, table, keyPath, format string, args ...any) lint.Finding {
	var f lint.Finding
	if k != nil {
		f = lint.AtKey(n, k, format, args...)
	} else {
		f = lint.AtTable(n, table, format, args...)
	}
	f.Key = keyPath
	return f
}

// literal returns the resolved text of the key at p when it is set, not
// symbolic and not empty; ok is false otherwise. A symbolic value is only
// known where the server runs and is never judged.
func literal(n *lint.Node, p string) (k *lint.Key, s string, ok bool) {
	k = n.Get(p)
	if k == nil || k.Value.Kind == lint.KindArray {
		return k, "", false
	}
	if k.Value.Symbolic {
		return k, "", false
	}
	s = strings.TrimSpace(k.Value.Text())
	return k, s, s != ""
}

// dbKind says what a [database.*] table points at.
type dbKind uint8

const (
	dbNone    dbKind = iota // table absent: WSO2's default, a local H2 file
	dbLocal                 // an embedded H2 file on the node itself
	dbServer                // a database server
	dbUnknown               // symbolic, empty or unparseable: not judged
	dbBadHost               // a JDBC URL written into hostname
)

// dbRef identifies the database a node's [database.X] table points at.
type dbRef struct {
	Kind dbKind
	Type string // normalised: mysql, postgre, mssql, oracle, db2, h2
	Host string
	Port string
	Name string
	// Schema is an Oracle database's schema: the user the node logs in
	// as. Two users on one service are two schemas, so two databases.
	Schema string
	// schemaUnknown is set for an Oracle database whose user is not
	// written, symbolic or a secret: then no node's schema is compared.
	schemaUnknown bool
	Key           *lint.Key // the key that decides it (url or hostname), if written
}

// ID is the identity compared across nodes. Local H2 files are never the
// same database on two nodes, so their ID carries the node name.
func (d dbRef) ID(n *lint.Node) string {
	switch d.Kind {
	case dbNone, dbLocal:
		return "local:" + n.Name
	}
	return strings.Join([]string{d.Type, d.Host, d.Port, d.Name, d.Schema}, "|")
}

// String describes the database for a message.
func (d dbRef) String() string {
	switch d.Kind {
	case dbNone:
		return "not set (WSO2's default local H2 database)"
	case dbLocal:
		if d.Name != "" {
			return "a local H2 database (" + d.Name + ")"
		}
		return "a local H2 database"
	case dbServer:
		s := d.Type + "://" + d.Host
		if d.Port != "" {
			s += ":" + d.Port
		}
		if d.Name != "" {
			s += "/" + d.Name
		}
		if d.Schema != "" {
			s += " (schema " + d.Schema + ")"
		}
		return s
	}
	return "an unknown database"
}

// readDB reads [database.<table>] of a node: a JDBC url wins over
// hostname/port/name, as in WSO2's templates. An Oracle database is also
// told apart by its schema, the user name (Oracle folds unquoted names to
// upper case); a user name that is symbolic or a secret is left out.
func readDB(n *lint.Node, table string) dbRef {
	d := readDBServer(n, table)
	if d.Kind != dbServer || d.Type != "oracle" {
		return d
	}
	if k := n.Get("database." + table + ".username"); k != nil && k.Value.Kind == lint.KindString && !k.Value.Symbolic && !k.IsSecret() {
		d.Schema = wso2.OracleSchema(k.Value.Text())
	} else {
		d.schemaUnknown = true
	}
	return d
}

func readDBServer(n *lint.Node, table string) dbRef {
	p := "database." + table
	if !n.Has(p) {
		return dbRef{Kind: dbNone, Type: "h2"}
	}
	var symbolic bool
	get := func(k string) (*lint.Key, string) {
		key := n.Get(p + "." + k)
		if key == nil || key.Value.Kind == lint.KindArray {
			return key, ""
		}
		if key.Value.Symbolic {
			symbolic = true
		}
		return key, strings.TrimSpace(key.Value.Text())
	}
	_, typ := get("type")
	urlKey, url := get("url")
	hostKey, host := get("hostname")
	_, port := get("port")
	_, name := get("name")
	if symbolic {
		return dbRef{Kind: dbUnknown}
	}
	typ = wso2.NormalizeDBType(typ)
	if url != "" {
		d := parseJDBC(url)
		d.Key = urlKey
		if d.Type == "" {
			d.Type = typ
		}
		return d
	}
	if host != "" {
		if strings.HasPrefix(strings.ToLower(host), "jdbc:") {
			return dbRef{Kind: dbBadHost, Type: typ, Key: hostKey}
		}
		if typ == "h2" {
			return dbRef{Kind: dbLocal, Type: "h2", Key: hostKey}
		}
		if typ == "" {
			return dbRef{Kind: dbUnknown}
		}
		if p := wso2.DefaultDBPort(typ); port == "" && p != 0 {
			port = strconv.Itoa(p)
		}
		return dbRef{Kind: dbServer, Type: typ, Host: strings.ToLower(host), Port: port, Name: name, Key: hostKey}
	}
	if typ == "" || typ == "h2" {
		// The helm charts render type = "" and url = "" when no values are
		// given: nothing is known. A bare type = "h2" is WSO2's default URL.
		if typ == "" {
			return dbRef{Kind: dbUnknown}
		}
		return dbRef{Kind: dbLocal, Type: "h2"}
	}
	return dbRef{Kind: dbUnknown}
}

// parseJDBC reads the server, port and database of a JDBC URL; anything
// it cannot read is dbUnknown, never an error.
func parseJDBC(url string) dbRef {
	db, err := wso2.ParseJDBC(url)
	switch {
	case err != nil:
		return dbRef{Kind: dbUnknown}
	case db.Local:
		return dbRef{Kind: dbLocal, Type: db.Type, Name: db.Name}
	case len(db.Servers) == 0 && db.Descriptor != "":
		// A TNS descriptor without a HOST apimlint can read: compare it whole.
		return dbRef{Kind: dbServer, Type: db.Type, Host: db.Descriptor}
	case len(db.Servers) == 1:
		s := db.Servers[0]
		host := s.Host
		if s.Instance != "" {
			host += `\` + s.Instance
		}
		return dbRef{Kind: dbServer, Type: db.Type, Host: host, Port: s.PortText, Name: db.Name}
	}
	// Several servers (a TNS address list, MySQL or PostgreSQL fail-over):
	// the same set in any order is the same database.
	sorted := wso2.Database{Servers: db.SortedServers()}
	return dbRef{Kind: dbServer, Type: db.Type, Host: sorted.Address(), Name: db.Name}
}

// baseName is the file part of a keystore path.
func baseName(p string) string {
	return path.Base(strings.ReplaceAll(p, `\`, "/"))
}

// rankCamps orders the camps of a majority vote, the one policy the
// consistency rules and ha-peer-drift share: the largest camp first, ties
// broken by the camp holding the node that comes first by name. The first
// camp is the reference; with two nodes that disagree, that makes the
// first node by name the reference and the second the one reported.
func rankCamps[C any](camps []C, size func(C) int, nodes func(C) []*lint.Node) {
	first := func(c C) string {
		m := ""
		for i, n := range nodes(c) {
			if i == 0 || n.Name < m {
				m = n.Name
			}
		}
		return m
	}
	sort.SliceStable(camps, func(i, j int) bool {
		if si, sj := size(camps[i]), size(camps[j]); si != sj {
			return si > sj
		}
		return first(camps[i]) < first(camps[j])
	})
}

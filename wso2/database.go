package wso2

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Database is what a JDBC URL says about the database a node uses.
type Database struct {
	// Type is the database type as [database.*] type writes it (mysql,
	// postgre, mssql, oracle, db2, h2), or the subprotocol for others.
	Type string
	// Subprotocol is the driver's name as written, lower case: mysql,
	// mariadb, postgresql, sqlserver, jtds, oracle, db2, h2 ….
	Subprotocol string
	// Local is set for an embedded H2 database (a file or memory next to
	// the node): it is never the same database on two nodes.
	Local bool
	// Servers are the hosts and ports the driver connects to, in the
	// order written (MySQL and PostgreSQL fail over across several).
	Servers []Server
	// Descriptor is an Oracle TNS descriptor, spaces removed and lower
	// case, when the URL gives one.
	Descriptor string
	// Name is the database, Oracle service name or SID.
	Name string
}

// Server is one host and port of a JDBC URL.
type Server struct {
	Host string // lower case, IPv6 without brackets
	// PortText is the port as written, or the dialect's default port.
	PortText string
	// Port is PortText as a number; 0 when it is not one (a placeholder).
	Port        int
	DefaultPort bool
	// Instance is a SQL Server named instance (host\instance), lower
	// case: two instances on one host are two database servers.
	Instance string
}

// HostPort is host[\instance]:port, the server's identity.
func (s Server) HostPort() string {
	h := s.Host
	if s.Instance != "" {
		h += `\` + s.Instance
	}
	return h + ":" + s.PortText
}

// Address is the servers as host:port, comma-separated: the identity of
// the database server across nodes.
func (d Database) Address() string {
	if d.Descriptor != "" && len(d.Servers) == 0 {
		return d.Descriptor
	}
	parts := make([]string, 0, len(d.Servers))
	for _, s := range d.Servers {
		parts = append(parts, s.HostPort())
	}
	return strings.Join(parts, ",")
}

// dbTypes maps JDBC subprotocols and [database.*] type spellings to the
// type names WSO2's templates use.
var dbTypes = map[string]string{
	"mysql": "mysql", "mariadb": "mysql",
	"postgresql": "postgre", "postgres": "postgre", "postgre": "postgre",
	"sqlserver": "mssql", "mssql": "mssql", "jtds": "mssql",
	"oracle": "oracle", "db2": "db2", "h2": "h2",
}

// NormalizeDBType returns the type name WSO2's templates use for a
// [database.*] type or a JDBC subprotocol (postgresql -> postgre); other
// names come back lower case.
func NormalizeDBType(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	if n, ok := dbTypes[t]; ok {
		return n
	}
	return t
}

// dbPorts are the default ports of the database servers WSO2 supports.
var dbPorts = map[string]int{"mysql": 3306, "postgre": 5432, "mssql": 1433, "oracle": 1521, "db2": 50000}

// DefaultDBPort returns the default port of a database type (any
// spelling NormalizeDBType knows), or 0.
func DefaultDBPort(typ string) int { return dbPorts[NormalizeDBType(typ)] }

// ErrNotJDBC is returned for a string that is not a jdbc: URL.
var ErrNotJDBC = errors.New("not a jdbc: URL")

// ParseJDBC reads a JDBC URL of any dialect WSO2 supports:
//
//	jdbc:mysql://[user[:password]@]host[:port][,host[:port]…]/db[?params]
//	jdbc:mariadb://…, jdbc:postgresql://… (same shape), jdbc:db2://host:port/db[:props;]
//	jdbc:sqlserver://host[\instance][:port][;databaseName=db;props]
//	jdbc:jtds:sqlserver://host[:port]/db[;props]
//	jdbc:oracle:thin:[user/password]@host:port:SID | @[//]host:port/service | @(DESCRIPTION=…)
//	jdbc:h2:./file, jdbc:h2:mem:x, jdbc:h2:tcp://host:port/path
//
// User information and parameters (which may carry passwords, and may
// contain '@', '/' or '?') never reach a host or a name. It never panics.
func ParseJDBC(url string) (Database, error) {
	rest, ok := cutPrefixFold(strings.TrimSpace(url), "jdbc:")
	if !ok {
		return Database{}, ErrNotJDBC
	}
	sub, body, ok := strings.Cut(rest, ":")
	if !ok || sub == "" {
		return Database{}, errors.New("JDBC URL without a subprotocol")
	}
	sub = strings.ToLower(sub)
	d := Database{Subprotocol: sub, Type: NormalizeDBType(sub)}
	switch sub {
	case "h2":
		lower := strings.ToLower(body)
		if !strings.HasPrefix(lower, "tcp://") && !strings.HasPrefix(lower, "ssl://") {
			d.Local = true
			d.Name, _, _ = strings.Cut(body, ";")
			return d, nil
		}
		return d, d.readAuthority(body[len("tcp://"):], "/;")
	case "oracle":
		return d, d.readOracle(body)
	case "jtds":
		// jdbc:jtds:sqlserver://host:port/db;props
		_, after, ok := strings.Cut(body, "://")
		if !ok {
			return d, errors.New("JDBC URL without a host")
		}
		return d, d.readAuthority(after, "/;")
	case "sqlserver":
		after, ok := strings.CutPrefix(body, "//")
		if !ok {
			return d, errors.New("JDBC URL without a host")
		}
		if err := d.readAuthority(after, ";/"); err != nil {
			return d, err
		}
		for _, kv := range strings.Split(after, ";")[1:] {
			if k, v, ok := strings.Cut(kv, "="); ok && (strings.EqualFold(k, "databaseName") || strings.EqualFold(k, "database")) {
				d.Name = v
			}
		}
		return d, nil
	}
	after, ok := strings.CutPrefix(body, "//")
	if !ok {
		return d, errors.New("JDBC URL without a host")
	}
	stop := "/?#"
	if sub == "db2" {
		stop = "/?#;"
	}
	return d, d.readAuthority(after, stop)
}

// readAuthority reads [userinfo@]host[:port][,host[:port]…] up to the first
// byte of stop, then the database name from the path.
func (d *Database) readAuthority(s, stop string) error {
	end := len(s)
	depth := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '[' || c == '{':
			depth++
		case (c == ']' || c == '}') && depth > 0:
			depth--
		case depth == 0 && strings.IndexByte(stop, c) >= 0:
			end = i
		}
		if end != len(s) {
			break
		}
	}
	auth, path := s[:end], s[end:]
	// Host names never hold '&', ';' or '=': what follows one is a
	// parameter (h&password=x), never part of the host.
	if i := strings.IndexAny(auth, "&;="); i >= 0 && strings.LastIndexByte(auth, '@') < i {
		return errors.New("JDBC URL with parameters in its host")
	}
	// A password may hold '@': the user information ends at the last '@'
	// of the authority, which itself ends before any path, query or
	// parameter, so an '@' there (?user=ops@corp) is never user info.
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:]
	}
	for _, hp := range strings.Split(auth, ",") {
		srv, err := d.server(hp)
		if err != nil {
			return err
		}
		d.Servers = append(d.Servers, srv)
	}
	if strings.HasPrefix(path, "/") {
		name := path[1:]
		if i := strings.IndexAny(name, "?;:#"); i >= 0 {
			name = name[:i]
		}
		d.Name = name
	}
	return nil
}

// server reads host[:port], with the dialect's default port when none is
// written.
func (d *Database) server(hp string) (Server, error) {
	host, port := SplitHostPort(strings.TrimSpace(hp))
	instance := ""
	if i := strings.IndexByte(host, '\\'); i >= 0 {
		host, instance = host[:i], strings.ToLower(host[i+1:]) // sqlserver host\instance
	}
	host = strings.ToLower(host)
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	if host == "" {
		return Server{}, errors.New("JDBC URL without a host")
	}
	if strings.ContainsAny(host, "@?&;/#=") {
		// Never a host name: user information or parameters that a URL
		// of unusual shape put here. They may hold a password.
		return Server{}, errors.New("JDBC URL whose host is not a host name")
	}
	s := Server{Host: host, PortText: port, Instance: instance}
	if port == "" {
		s.DefaultPort = true
		if p := dbPorts[d.Type]; p != 0 {
			s.Port, s.PortText = p, strconv.Itoa(p)
		}
		return s, nil
	}
	if p, err := strconv.Atoi(port); err == nil {
		if !ValidPort(p) {
			return s, fmt.Errorf("port %d outside 1-65535", p)
		}
		s.Port = p
	} else if !HasPlaceholder(port) {
		return s, fmt.Errorf("port %q is not a number", port)
	}
	return s, nil
}

// readOracle reads the connect string after jdbc:oracle:.
func (d *Database) readOracle(body string) error {
	// The connect string follows the last '@' before a descriptor, or the
	// last '@' of all: user/password@ comes first.
	var conn string
	if i := strings.Index(body, "@("); i >= 0 {
		conn = body[i+1:]
	} else if i := strings.LastIndexByte(body, '@'); i >= 0 {
		conn = body[i+1:]
	} else {
		return errors.New("JDBC URL for Oracle without @host")
	}
	if strings.HasPrefix(conn, "(") {
		d.Descriptor = strings.ToLower(strings.Join(strings.Fields(conn), ""))
		for _, a := range descriptorValues(conn, "HOST") {
			s, err := d.server(a)
			if err != nil {
				return err
			}
			d.Servers = append(d.Servers, s)
		}
		for i, p := range descriptorValues(conn, "PORT") {
			if i < len(d.Servers) {
				n, err := strconv.Atoi(p)
				if err != nil && !HasPlaceholder(p) {
					return fmt.Errorf("port %q is not a number", p)
				}
				d.Servers[i].PortText, d.Servers[i].Port, d.Servers[i].DefaultPort = p, n, false
			}
		}
		if v := descriptorValues(conn, "SERVICE_NAME"); len(v) > 0 {
			d.Name = v[0]
		} else if v := descriptorValues(conn, "SID"); len(v) > 0 {
			d.Name = v[0]
		}
		return nil
	}
	conn = strings.TrimPrefix(conn, "//")
	if i := strings.IndexAny(conn, "?"); i >= 0 {
		conn = conn[:i]
	}
	hostPort, name, _ := strings.Cut(conn, "/")
	// host:port:SID, the older form.
	if parts := strings.Split(hostPort, ":"); len(parts) == 3 && !strings.HasPrefix(hostPort, "[") {
		hostPort, name = parts[0]+":"+parts[1], parts[2]
	}
	s, err := d.server(hostPort)
	if err != nil {
		return err
	}
	d.Servers, d.Name = []Server{s}, name
	return nil
}

// descriptorValues returns the values of (KEY=value) in a TNS descriptor,
// in order.
func descriptorValues(desc, key string) []string {
	var out []string
	upper := strings.ToUpper(desc)
	needle := "(" + key + "="
	for i := 0; ; {
		j := strings.Index(upper[i:], needle)
		if j < 0 {
			return out
		}
		start := i + j + len(needle)
		end := strings.IndexByte(desc[start:], ')')
		if end < 0 {
			return out
		}
		out = append(out, strings.TrimSpace(desc[start:start+end]))
		i = start + end
	}
}

// SortedServers returns the servers ordered by host and port, for
// comparing two URLs that list the same hosts in another order.
func (d Database) SortedServers() []Server {
	out := append([]Server(nil), d.Servers...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Host != out[j].Host {
			return out[i].Host < out[j].Host
		}
		return out[i].PortText < out[j].PortText
	})
	return out
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// JDBCHasPassword reports whether a JDBC URL carries a password: a
// password= (pwd=, passwd=) property in any dialect, Oracle's
// user/password@ before the connect string, or user:password@ in the
// authority of the URL dialects (MySQL, PostgreSQL, DB2 …). The '@' that
// starts an Oracle connect string (jdbc:oracle:thin:@//host…) is not user
// information. It returns false for text that is not a jdbc: URL.
func JDBCHasPassword(url string) bool {
	s := strings.TrimSpace(url)
	lower := strings.ToLower(s)
	if !strings.HasPrefix(lower, "jdbc:") {
		return false
	}
	for _, p := range []string{"password=", "pwd=", "passwd="} {
		for from := 0; ; {
			i := strings.Index(lower[from:], p)
			if i < 0 {
				break
			}
			i += from
			// A property name starts the URL's parameters or follows ; & ? or (.
			if i > 0 && strings.IndexByte(";&?(: ", lower[i-1]) >= 0 {
				if j := i + len(p); j < len(lower) && strings.IndexByte(";&)\"'", lower[j]) < 0 {
					return true
				}
			}
			from = i + len(p)
		}
	}
	if rest, ok := cutPrefixFold(s, "jdbc:oracle:"); ok {
		// thin:user/password@connect or oci:user/password@connect.
		_, body, _ := strings.Cut(rest, ":")
		end := strings.IndexByte(body, '(')
		if end < 0 {
			end = len(body)
		}
		at := strings.LastIndexByte(body[:end], '@')
		if at <= 0 {
			return false
		}
		user, pw, ok := strings.Cut(body[:at], "/")
		return ok && user != "" && pw != ""
	}
	i := strings.Index(s, "://")
	if i < 0 {
		return false
	}
	auth := s[i+3:]
	if j := strings.IndexAny(auth, "?;"); j >= 0 {
		auth = auth[:j]
	}
	at := strings.LastIndexByte(auth, '@')
	if at < 0 {
		return false
	}
	_, pw, ok := strings.Cut(auth[:at], ":")
	return ok && pw != ""
}

// OracleSchema is the schema an Oracle user name logs in to: the target
// of a proxy user (APP[WSO2_SHARED] is WSO2_SHARED's schema), upper case
// unless quoted ("Wso2" stays as written, as Oracle keeps it).
func OracleSchema(user string) string {
	user = strings.TrimSpace(user)
	if i := strings.IndexByte(user, '['); i > 0 && strings.HasSuffix(user, "]") {
		user = strings.TrimSpace(user[i+1 : len(user)-1])
	}
	if len(user) >= 2 && user[0] == '"' && user[len(user)-1] == '"' {
		return user[1 : len(user)-1]
	}
	return strings.ToUpper(user)
}

package wso2

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseJDBC(t *testing.T) {
	srv := func(h, p string, n int) Server { return Server{Host: h, PortText: p, Port: n} }
	def := func(h string, n int) Server {
		return Server{Host: h, PortText: strconv.Itoa(n), Port: n, DefaultPort: true}
	}
	cases := []struct {
		url  string
		want Database
	}{
		{"jdbc:mysql://DB.example.com:3306/apim_db?useSSL=false", Database{Type: "mysql", Subprotocol: "mysql", Servers: []Server{srv("db.example.com", "3306", 3306)}, Name: "apim_db"}},
		{"jdbc:mysql://db/apim_db", Database{Type: "mysql", Subprotocol: "mysql", Servers: []Server{def("db", 3306)}, Name: "apim_db"}},
		// Azure MySQL's documented form: the '@' is in the query, not user info.
		{"jdbc:mysql://h:3306/db?user=apimadmin@apimdb&password=S3cret", Database{Type: "mysql", Subprotocol: "mysql", Servers: []Server{srv("h", "3306", 3306)}, Name: "db"}},
		{"jdbc:mysql://user:p@ss@h2:3307/db", Database{Type: "mysql", Subprotocol: "mysql", Servers: []Server{srv("h2", "3307", 3307)}, Name: "db"}},
		{"jdbc:mariadb://a:3306,b:3307/db", Database{Type: "mysql", Subprotocol: "mariadb", Servers: []Server{srv("a", "3306", 3306), srv("b", "3307", 3307)}, Name: "db"}},
		{"jdbc:postgresql://pg-1:5432,pg-2/apim?sslmode=require", Database{Type: "postgre", Subprotocol: "postgresql", Servers: []Server{srv("pg-1", "5432", 5432), def("pg-2", 5432)}, Name: "apim"}},
		{"jdbc:sqlserver://mssql.corp\\inst:1433;databaseName=WSO2AM_DB;user=sa;password=P@ss;", Database{Type: "mssql", Subprotocol: "sqlserver", Servers: []Server{{Host: "mssql.corp", PortText: "1433", Port: 1433, Instance: "inst"}}, Name: "WSO2AM_DB"}},
		{"jdbc:jtds:sqlserver://ms:1433/am;user=sa", Database{Type: "mssql", Subprotocol: "jtds", Servers: []Server{srv("ms", "1433", 1433)}, Name: "am"}},
		{"jdbc:db2://db2h:50001/AMDB:retrieveMessagesFromServerOnGetMessage=true;", Database{Type: "db2", Subprotocol: "db2", Servers: []Server{srv("db2h", "50001", 50001)}, Name: "AMDB"}},
		{"jdbc:oracle:thin:@//ora.corp:1521/APIMSVC", Database{Type: "oracle", Subprotocol: "oracle", Servers: []Server{srv("ora.corp", "1521", 1521)}, Name: "APIMSVC"}},
		{"jdbc:oracle:thin:@ora:1522:ORCL", Database{Type: "oracle", Subprotocol: "oracle", Servers: []Server{srv("ora", "1522", 1522)}, Name: "ORCL"}},
		{"jdbc:oracle:thin:scott/t@ger@ora:1521/svc", Database{Type: "oracle", Subprotocol: "oracle", Servers: []Server{srv("ora", "1521", 1521)}, Name: "svc"}},
		{"jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=Ora-1)(PORT=1521))(ADDRESS=(PROTOCOL=TCP)(HOST=ora-2)(PORT=1523))(CONNECT_DATA=(SERVICE_NAME=apim)))",
			Database{Type: "oracle", Subprotocol: "oracle", Servers: []Server{srv("ora-1", "1521", 1521), srv("ora-2", "1523", 1523)}, Name: "apim",
				Descriptor: "(description=(address=(protocol=tcp)(host=ora-1)(port=1521))(address=(protocol=tcp)(host=ora-2)(port=1523))(connect_data=(service_name=apim)))"}},
		{"jdbc:h2:./repository/database/WSO2AM_DB;DB_CLOSE_ON_EXIT=FALSE", Database{Type: "h2", Subprotocol: "h2", Local: true, Name: "./repository/database/WSO2AM_DB"}},
		{"jdbc:h2:tcp://h2host:9092/~/am", Database{Type: "h2", Subprotocol: "h2", Servers: []Server{srv("h2host", "9092", 9092)}, Name: "~/am"}},
		{"jdbc:mysql://${db.host}:3306/am", Database{Type: "mysql", Subprotocol: "mysql", Servers: []Server{srv("${db.host}", "3306", 3306)}, Name: "am"}},
		{"jdbc:mysql://db:$env{DB_PORT}/am", Database{Type: "mysql", Subprotocol: "mysql", Servers: []Server{srv("db", "$env{DB_PORT}", 0)}, Name: "am"}},
		{"JDBC:MySQL://[::1]:3306/am", Database{Type: "mysql", Subprotocol: "mysql", Servers: []Server{srv("::1", "3306", 3306)}, Name: "am"}},
	}
	for _, c := range cases {
		got, err := ParseJDBC(c.url)
		if err != nil {
			t.Errorf("ParseJDBC(%q): %v", c.url, err)
			continue
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("ParseJDBC(%q) (-want +got):\n%s", c.url, d)
		}
	}
	for _, bad := range []string{"mysql://h/db", "jdbc:", "jdbc:mysql:db", "jdbc:mysql://:3306/db", "jdbc:mysql://h:99999/db", "jdbc:oracle:thin:ora", "jdbc:sqlserver:h"} {
		if _, err := ParseJDBC(bad); err == nil {
			t.Errorf("ParseJDBC(%q) accepted", bad)
		}
	}
}

// FuzzParseJDBC: whatever the URL, user information and parameters never
// reach a host: a host holds none of the bytes that separate them.
func FuzzParseJDBC(f *testing.F) {
	for _, s := range []string{
		"jdbc:mysql://u:p@h:3306/db?user=a@b&password=c", "jdbc:oracle:thin:u/p@h:1521:S", "jdbc:sqlserver://h;password=x@y",
		"jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1)))", "jdbc:h2:tcp://h/x", "jdbc:postgresql://a,b/c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, url string) {
		d, err := ParseJDBC(url)
		if err != nil {
			return
		}
		for _, s := range d.Servers {
			if strings.ContainsAny(s.Host, "@?&;/#=") {
				t.Fatalf("ParseJDBC(%q): host %q carries user info or parameters", url, s.Host)
			}
		}
	})
}

func TestJDBCHasPassword(t *testing.T) {
	for url, want := range map[string]bool{
		"jdbc:oracle:thin:@//ora-scan.corp:1521/APIM":                                         false,
		"jdbc:oracle:thin:@ora-scan.corp:1521:APIMSID":                                        false,
		"jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(HOST=a)(PORT=1521))(CONNECT_DATA=(SID=X)))": false,
		"jdbc:oracle:thin:apim/Zq9@x@//ora-scan.corp:1521/APIM":                               true,
		"jdbc:oracle:thin:apim@//ora-scan.corp:1521/APIM":                                     false,
		"jdbc:mysql://db:3306/apim?user=apim@corp&password=Zq9":                               true,
		"jdbc:mysql://db:3306/apim?user=apim@corp&useSSL=true":                                false,
		"jdbc:mysql://apim:Zq9@db:3306/apim":                                                  true,
		"jdbc:postgresql://pg-a,pg-b/apim?targetServerType=primary":                           false,
		"jdbc:sqlserver://sql;databaseName=APIM;user=sa;password=Zq9;":                        true,
		"jdbc:sqlserver://sql;databaseName=APIM;encrypt=true":                                 false,
		"jdbc:db2://db2:50000/APIM:user=db2inst1;password=Zq9;":                               true,
		"jdbc:h2:./repository/database/WSO2AM_DB;DB_CLOSE_ON_EXIT=FALSE":                      false,
		"https://user:pw@host/":                                                               false, // not JDBC: HasURLPassword's business
	} {
		if got := JDBCHasPassword(url); got != want {
			t.Errorf("JDBCHasPassword(%q) = %v, want %v", url, got, want)
		}
	}
}

// An Oracle user names the schema it logs in to: a proxy user's target,
// and upper case unless quoted.
func TestOracleSchema(t *testing.T) {
	for user, want := range map[string]string{
		"wso2_shared":             "WSO2_SHARED",
		" WSO2_SHARED ":           "WSO2_SHARED",
		`"WSO2_SHARED"`:           "WSO2_SHARED",
		`"Wso2Shared"`:            "Wso2Shared",
		"APIM_APP[WSO2_SHARED]":   "WSO2_SHARED",
		`apim_app["WSO2_SHARED"]`: "WSO2_SHARED",
		"apim_app[wso2_shared]":   "WSO2_SHARED",
	} {
		if got := OracleSchema(user); got != want {
			t.Errorf("OracleSchema(%q) = %q, want %q", user, got, want)
		}
	}
}

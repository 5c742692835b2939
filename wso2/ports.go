package wso2

// RefDefaults are the values WSO2 fills in before it resolves $ref{}, for
// the keys files commonly refer to without setting them.
var RefDefaults = map[string]string{
	"super_admin.username":          "admin",
	"super_admin.password":          "admin",
	"server.hostname":               "localhost",
	"server.offset":                 "0",
	"keystore.tls.file_name":        "wso2carbon.jks",
	"keystore.tls.type":             "JKS",
	"keystore.tls.password":         "wso2carbon",
	"keystore.tls.alias":            "wso2carbon",
	"keystore.tls.key_password":     "wso2carbon",
	"keystore.primary.file_name":    "wso2carbon.jks",
	"keystore.primary.type":         "JKS",
	"keystore.primary.password":     "wso2carbon",
	"keystore.primary.alias":        "wso2carbon",
	"keystore.primary.key_password": "wso2carbon",
	"truststore.file_name":          "client-truststore.jks",
	"truststore.type":               "JKS",
	"truststore.password":           "wso2carbon",
}

// Default ports of the services a node offers, before its offset.
const (
	PortMgtHTTPS   = 9443
	PortMgtHTTP    = 9763
	PortNIOHTTP    = 8280
	PortNIOHTTPS   = 8243
	PortJMS        = 5672
	PortJMSTLS     = 8672
	PortBinary     = 9611
	PortBinaryTLS  = 9711
	PortThrift     = 7611
	PortThriftTLS  = 7711
	PortWebSocket  = 9099
	PortWebSocketS = 8099
	PortWebSub     = 9021
	PortWebSubS    = 8021
)

// PortKeys are the deployment.toml keys that move a service off its
// default port, by that default, the first that a file sets winning; the
// node's offset still applies on top (Carbon adds it to Tomcat's
// connectors, Synapse to its listeners and inbound endpoints, the broker
// and the receivers to theirs). The keys are those WSO2's templates and
// default.json read, 4.0.0 to 4.7.0, then the short forms its
// key-mappings.json copies onto them ([transport.http] listener.port,
// [transport.receiver] tcp_port). The Thrift and WebSub receivers, off
// unless configured, are left out.
var PortKeys = map[int][]string{
	PortMgtHTTPS:   {"transport.https.properties.port"},
	PortMgtHTTP:    {"transport.http.properties.port"},
	PortNIOHTTP:    {"transport.passthru_http.listener.parameters.port", "transport.http.listener.port"},
	PortNIOHTTPS:   {"transport.passthru_https.listener.parameters.port", "transport.http.listener.secured_port"},
	PortJMS:        {"broker.transport.amqp.default_connection.port"},
	PortJMSTLS:     {"broker.transport.amqp.ssl_connection.port"},
	PortBinary:     {"transport.binary.receiver.tcpPort", "transport.receiver.tcp_port"},
	PortBinaryTLS:  {"transport.binary.receiver.sslPort", "transport.receiver.ssl_port"},
	PortWebSocket:  {"apim.ws.port"},
	PortWebSocketS: {"apim.wss.port"},
}

// ValidPort reports whether p can be a TCP port.
func ValidPort[T int | int64](p T) bool { return p > 0 && p <= 65535 }

// Service is a pair of ports a WSO2 node listens on, before its offset:
// the plain one and its TLS counterpart.
type Service struct {
	Name  string // for messages: "JMS", "binary"
	Plain int
	TLS   int
	// TLSName names the TLS port for messages: "JMS-TLS", "binary-TLS (the auth URL)".
	TLSName string
}

// Services lists the services of a WSO2 API Manager node. Clustering ports
// (WKA 4000, multicast 45564) are not shifted by the offset and are left out.
var Services = []Service{
	{"management HTTP", PortMgtHTTP, PortMgtHTTPS, "management HTTPS"},
	{"API HTTP", PortNIOHTTP, PortNIOHTTPS, "API HTTPS"},
	{"JMS", PortJMS, PortJMSTLS, "JMS-TLS"},
	{"binary", PortBinary, PortBinaryTLS, "binary-TLS"},
	{"Thrift", PortThrift, PortThriftTLS, "Thrift-TLS"},
	{"WebSocket", PortWebSocket, PortWebSocketS, "secure WebSocket"},
	{"WebSub", PortWebSub, PortWebSubS, "secure WebSub"},
}

// ServiceOnPort says which service a default port (before any offset)
// belongs to, and whether it is the service's TLS port.
func ServiceOnPort(base int) (s Service, tls bool, ok bool) {
	for _, s := range Services {
		switch base {
		case s.Plain:
			return s, false, true
		case s.TLS:
			return s, true, true
		}
	}
	return Service{}, false, false
}

// PortName names a default port ("JMS", "binary-TLS"), or "".
func PortName(base int) string {
	s, tls, ok := ServiceOnPort(base)
	switch {
	case !ok:
		return ""
	case tls:
		return s.TLSName
	}
	return s.Name
}

// TLSCounterpart returns the TLS port of the service whose plain port is
// base (JMS 5672 -> 8672, binary 9611 -> 9711, the auth URL's port).
func TLSCounterpart(base int) (int, bool) {
	s, tls, ok := ServiceOnPort(base)
	if !ok || tls {
		return 0, false
	}
	return s.TLS, true
}

// RuntimePortProperties are the ${} runtime properties that hold a port of
// the node itself, by their default port: a server at offset n resolves
// each to its default plus n.
var RuntimePortProperties = map[string]int{
	"mgt.transport.https.port": PortMgtHTTPS,
	"carbon.management.port":   PortMgtHTTPS,
	"mgt.transport.http.port":  PortMgtHTTP,
	"http.nio.port":            PortNIOHTTP,
	"https.nio.port":           PortNIOHTTPS,
}

// RuntimeProperties are the other ${} runtime properties whose value
// WSO2's server sets the same on every node: ${carbon.protocol} and
// ${carbon.context} (the web context root, "/" unless changed in
// carbon.xml, which deployment.toml does not).
var RuntimeProperties = map[string]string{
	"carbon.protocol": "https",
	"carbon.context":  "/",
}

// RuntimeLocalIP is the ${} runtime property Carbon sets at start-up to
// the machine's own address: a URL built on it names the node itself, as
// localhost does (WSO2's Ansible gateways write
// https://${carbon.local.ip}:${mgt.transport.https.port}/services/).
const RuntimeLocalIP = "carbon.local.ip"

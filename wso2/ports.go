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

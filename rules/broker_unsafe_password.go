package rules

import (
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// BrokerUnsafePassword reports admin and event-hub passwords that break
// the broker connection URL.
var BrokerUnsafePassword = register(&lint.Rule{
	ID:       "broker-unsafe-password",
	Severity: lint.SeverityError,
	Summary:  "the admin or event-hub password has characters that break the broker connection URL",
	Category: "topology",
	Doc: `Gateways, traffic managers and control planes connect to each other's message brokers (event
hub, throttle decisions) with the admin or event-hub credentials, which WSO2 writes unencoded
into an AMQP connection URL: amqp://user:password@clientID/carbon?brokerlist='tcp://host:5672'.
A password with a character that is reserved in that URL (& % @ ? # : / ' " \ ; or white space)
cuts the URL in the wrong place: the connection fails or goes elsewhere and events (API
deployments, revoked tokens, throttle decisions) are silently lost. The check runs where the
plain value is known; passwords from $secret{}, $env{} and $sys{} are not known statically. The
message names the class of the characters, never the password.`,
	Example: `cp-1/deployment.toml:9:12: error: super_admin.password contains characters that are reserved in URLs (one of & % @ ? # : / ' " \ ; or white space) ... (broker-unsafe-password)`,
	Fix: `Choose a password made of letters, digits and - _ . ~ only (make it longer rather than
adding symbols), set it on every node, and keep it in $secret{...} or $env{...}.`,
	Run: runBrokerUnsafePassword,
})

// brokerPasswordKeys are the passwords that end up in a broker URL.
var brokerPasswordKeys = []string{"super_admin.password", "apim.event_hub.password", "apim.throttling.jms.password"}

// brokerUnsafe reports whether s has a character that the AMQP connection
// URL does not survive.
func brokerUnsafe(s string) bool {
	return strings.ContainsAny(s, "&%@?#:/'\"\\; \t\r\n")
}

func runBrokerUnsafePassword(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		if !hdApplies(n) {
			continue
		}
		for _, path := range brokerPasswordKeys {
			k := n.Get(path)
			if k == nil || hdChained(n, k.Value) {
				continue
			}
			if _, ok := hdAdminRef(k.Value); ok {
				continue // the admin password itself is judged
			}
			s, ok := hdKnown(k.Value)
			if !ok || !brokerUnsafe(s) {
				continue
			}
			p.Report(lint.AtKey(n, k, `%s contains characters that are reserved in URLs (one of & %% @ ? # : / ' " \ ; or white space); WSO2 puts it unencoded into the broker's AMQP connection URL, so event hub and throttling connections fail and events are silently lost`, path))
		}
	}
}

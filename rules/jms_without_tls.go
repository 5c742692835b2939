package rules

import (
	"fmt"
	"strconv"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// JMSWithoutTLS reports event-hub and throttling broker endpoints on plain
// tcp:// where the broker also offers ssl://.
var JMSWithoutTLS = register(&lint.Rule{
	ID:       "jms-without-tls",
	Severity: lint.SeverityInfo,
	Summary:  "event hub or throttle decision broker endpoints use plain tcp:// where ssl:// is offered",
	Category: "hardening", Tags: []string{"security"},
	Doc: `Gateways subscribe to the control plane's event hub (API deployments, revoked tokens, key
manager changes) and to the traffic managers' throttle decisions over JMS (AMQP). On tcp://
(port 5672 + offset) the admin credentials and the events cross the network in clear text;
every WSO2 broker also listens with TLS on ssl:// (port 8672 + offset). The guides use tcp://,
so this is information, not an error: fine on a private network, worth changing when nodes talk
across zones or data centres. Endpoints on the node itself (localhost) are not reported. The
TLS URL offered is the service's own TLS port after the target node's offset, read from the port
written: JMS 5672 -> 8672, and a binary receiver's 9611 -> 9711 (its auth URL).`,
	Example: `gw-1/deployment.toml:24:29: info: apim.event_hub.event_listening_endpoints uses plain tcp:// for apim-cp-1:5672; the broker also listens with TLS: ssl://apim-cp-1:8672 (jms-without-tls)`,
	Fix: `Use the ssl:// endpoints, with the TLS port (8672 + the broker node's offset):
event_listening_endpoints = ["ssl://apim-cp-1:8672"], throttle_decision_endpoints =
["ssl://tm-1:8672"]; the broker's certificate must be in the client's truststore.`,
	Cost: 12,
	Run:  runJMSWithoutTLS,
})

// jmsEndpointKeys hold AMQP broker URLs of the event hub and the traffic
// managers.
var jmsEndpointKeys = []string{
	"apim.event_hub.event_listening_endpoints",
	"apim.event_hub.event_duplicate_url",
	"apim.throttling.throttle_decision_endpoints",
	"apim.throttling.event_duplicate_url",
}

func runJMSWithoutTLS(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		if !hdApplies(n) {
			continue
		}
		for _, path := range jmsEndpointKeys {
			k := n.Get(path)
			if k == nil {
				continue
			}
			var first *lint.Value
			var plain, tls []string
			for _, v := range k.Scalars() {
				s, ok := hdKnown(v)
				if !ok {
					continue
				}
				e, err := wso2.ParseEndpoint(s)
				if err != nil || e.Scheme != "tcp" || e.Symbolic || lint.IsLoopback(e.Host) {
					continue
				}
				port, perr := strconv.Atoi(e.PortText)
				if perr != nil || e.DefaultPort {
					port = 0
				}
				t := p.Fleet.Book.ResolvePort(e.Host, port, n)
				if t.Kind == lint.TargetSelf && (t.Pod == "" || p.Fleet.Manifests.Replicas(n) < 2) {
					continue // a pod of its own StatefulSet is another replica's server
				}
				if first == nil {
					first = v
				}
				plain = append(plain, e.HostPort())
				if s := jmsTLSCounterpart(t, e, port); s != "" {
					tls = append(tls, s)
				}
			}
			if first == nil {
				continue
			}
			msg := fmt.Sprintf("%s uses plain tcp:// for %s: credentials and events cross the network unencrypted", path, listNames(plain, 3))
			if len(tls) > 0 {
				msg += "; the broker also listens with TLS: " + listNames(tls, 3)
			}
			p.Report(lint.AtValue(n, k, first, "%s", msg))
		}
	}
}

// jmsTLSCounterpart names the TLS URL of the service a plain URL reaches:
// the port before the target node's offset says which service it is (JMS
// 5672 -> 8672; binary 9611 -> 9711, the receiver's auth URL), and the
// TLS port gets the same offset back. A port that is no plain WSO2 port
// gets no suggestion.
func jmsTLSCounterpart(t lint.Target, e wso2.Endpoint, port int) string {
	if port == 0 {
		return ""
	}
	offset := 0
	if m := t.Node(); m != nil {
		// The node's own TLS port, wherever its file moved either one.
		if base, ok := m.BaseOf(port); ok {
			if tls, ok := wso2.TLSCounterpart(base); ok {
				return jmsTLSURL(e, tls, m.Port(tls))
			}
		}
		offset = m.Offset
	}
	tls, ok := wso2.TLSCounterpart(port - offset)
	if !ok && offset != 0 {
		// Not a port of the node after its offset: the default ports
		// written without it are still the services they name.
		offset = 0
		tls, ok = wso2.TLSCounterpart(port)
	}
	if !ok && t.Node() == nil {
		// A broker apimlint does not know: its offset is the one that
		// makes the port a service's plain port, when only one does.
		tls, offset, ok = jmsGuessOffset(port)
	}
	if !ok {
		return ""
	}
	return jmsTLSURL(e, tls, tls+offset)
}

// jmsTLSURL is the ssl:// URL of e's host on port, the TLS port of the
// service whose default TLS port is tls.
func jmsTLSURL(e wso2.Endpoint, tls, port int) string {
	u := fmt.Sprintf("ssl://%s:%d", wso2.URLHost(e.Host), port)
	if tls == wso2.PortBinaryTLS {
		u += " (the binary receiver's auth URL)"
	}
	return u
}

// jmsGuessOffset finds the one service whose plain port lies at most 99
// below port (WSO2 offsets are small), and returns its TLS port and the
// offset that fits.
func jmsGuessOffset(port int) (tls, offset int, ok bool) {
	found := 0
	for _, s := range wso2.Services {
		if d := port - s.Plain; d > 0 && d < 100 {
			tls, offset = s.TLS, d
			found++
		}
	}
	return tls, offset, found == 1
}

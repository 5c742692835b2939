package probe

import "github.com/apimlint/apimlint/lint"

// The rule IDs of probe findings.
const (
	RuleUnreachable      = "endpoint-unreachable"
	RuleHostnameMismatch = "tls-hostname-mismatch"
	RuleExpiry           = "tls-expiry"
	RuleUntrusted        = "tls-untrusted"
)

// Rules documents the findings of `apimlint probe` for `apimlint explain`.
// They have no Run: their findings come only from Check, which dials the
// network (lint never does), and pass through lint.Linter.Process.
// They are not registered with package rules: probing is opt-in.
var Rules = []*lint.Rule{
	{
		ID:       RuleUnreachable,
		Severity: lint.SeverityError,
		Summary:  "an endpoint a node's file names does not accept connections (apimlint probe)",
		Doc: `apimlint probe collects every endpoint the fleet's files name: event hub
listening and publish URLs, service URLs, the key manager, throttle decision
endpoints, Traffic Manager url groups, gateway environment URLs, notification
endpoints and database servers. It opens a TCP connection to each (and for
ssl://, https:// and wss:// completes a TLS handshake), sends nothing more,
and closes it. An endpoint that refuses the connection, does not answer within
--timeout, whose host name does not resolve, or that accepts TCP but fails the
TLS handshake is reported here with the reason.

A static lint proves that the files agree with each other; this proves that
what they name is there. A gateway whose Traffic Manager binary port is closed
publishes no throttling events; a gateway that cannot reach the control
plane's JMS port never hears about deployed APIs or revoked tokens.

Probing is opt-in (lint never dials) and runs from the machine apimlint runs
on: run it with --from NODE on that node to see what the node sees. URLs with
localhost mean the node that names them, so they are skipped unless --from or
--loopback is given. Hosts that are placeholders ($env{...}, unresolved, or
documentation placeholders like [control-plane-host]) are skipped, not failed.`,
		Example: `gw-1/deployment.toml:41:25: error: tcp://tm-1:9611 is unreachable from here: connection refused: nothing listens on port 9611 of tm-1 (or a firewall rejects it) (endpoint-unreachable)
    gw-2/deployment.toml:41:25: gw-2 also names tcp://tm-1:9611 in apim.throttling.url_group[0].traffic_manager_urls`,
		Fix: `Check that the service runs on that host and port (the node's [server] offset
is added to every default port: a Traffic Manager at offset 3 listens on
9614/9714 and 5675), that the host name resolves from where the node runs, and
that no firewall stands between them. If the URL is wrong, fix it in every file
listed.`,
	},
	{
		ID:       RuleHostnameMismatch,
		Severity: lint.SeverityError,
		Summary:  "the TLS certificate an endpoint serves does not cover the host name the URL uses (apimlint probe)",
		Doc: `For every ssl://, https:// and wss:// endpoint, apimlint probe completes a TLS
handshake and checks that the server's certificate covers the host the URL
names (its subject alternative names, as a Java or Go client checks them).
WSO2's shipped certificate is for CN=localhost: a gateway that connects to
https://cp-1:9443 with it fails with a hostname mismatch. WSO2's distributed
deployment guide has each node get a certificate for its own host name so that
"hostname mismatch issues will not occur".`,
		Example: `gw-1/deployment.toml:12:15: error: the certificate served at https://cp-1:9443 does not cover host cp-1: it is for subject CN=localhost,O=WSO2, SANs DNS:localhost; nodes connecting to cp-1 will fail with a hostname mismatch (tls-hostname-mismatch)`,
		Fix: `Give the node a keystore whose certificate carries the host name other nodes
use for it (as a DNS subject alternative name; an IP SAN for URLs with an IP),
or change the URLs to a name the certificate covers. Import the new certificate
into the client truststore of every node that connects to it.`,
	},
	{
		ID:       RuleExpiry,
		Severity: lint.SeverityWarning,
		Summary:  "the TLS certificate an endpoint serves expires within 30 days (error when expired) (apimlint probe)",
		Doc: `apimlint probe reads the certificate each TLS endpoint serves. A certificate
that expires within 30 days is a warning; one that has expired, or is not yet
valid, is an error: Java clients (the other nodes) refuse it and the
connection between nodes breaks, often with nothing clearer in the logs than
an SSL handshake exception.`,
		Example: `cp-1/deployment.toml:30:28: warning: the certificate served at ssl://tm-1:9711 (subject CN=tm-1) expires on 2026-12-01, in 6 days (warning under 30 days) (tls-expiry)`,
		Fix: `Renew the certificate in the node's keystore before it expires, and import the
renewed certificate (or its CA) into the truststores of the nodes that connect
to it. Restart the node.`,
	},
	{
		ID:       RuleUntrusted,
		Severity: lint.SeverityWarning,
		Summary:  "the TLS certificate chain an endpoint serves does not verify against the trust store (apimlint probe)",
		Doc: `apimlint probe verifies the chain each TLS endpoint serves against a trust
store: the system pool by default, or the PEM file given with --ca (export the
nodes' client-truststore.jks to PEM to check what the nodes trust). A
self-signed certificate, or one signed by a CA the trust store does not hold,
is reported. It is a warning because apimlint's trust store is not
necessarily the nodes'; with --insecure-skip-verify it is reported at info.`,
		Example: `gw-1/deployment.toml:12:15: warning: the certificate served at https://cp-1:9443 (subject CN=cp-1) is not trusted by --ca truststore.pem: it is self-signed (add it, or the CA that should sign it, to the trust store) (tls-untrusted)`,
		Fix: `Import the certificate, or better the CA that signs it, into the
client-truststore.jks of every node that connects to the endpoint (and into
the file given to --ca). Serve the intermediate certificates along with the
leaf.`,
	},
}

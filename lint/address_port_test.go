package lint

import (
	"strings"
	"testing"
)

// Two nodes on one VM, told apart by the port after each one's offset.
func TestResolvePortCoHosted(t *testing.T) {
	f := loadMap(t, map[string]string{
		"cp/deployment.toml": "[server]\nhostname = \"10.0.0.5\"\nserver_role = \"control-plane\"\n",
		"tm/deployment.toml": "[server]\nhostname = \"10.0.0.5\"\nserver_role = \"traffic-manager\"\noffset = 2\n",
		"gw/deployment.toml": "[server]\nhostname = \"10.0.0.6\"\nserver_role = \"gateway-worker\"\n",
	})
	cp, tm, gw := f.Node("cp"), f.Node("tm"), f.Node("gw")
	for _, c := range []struct {
		port int
		from *Node
		kind TargetKind
		node *Node
	}{
		{9611, gw, TargetNode, cp},
		{9613, gw, TargetNode, tm},
		{5672, gw, TargetNode, cp},
		{5674, gw, TargetNode, tm},
		{8674, gw, TargetNode, tm},
		{9611, cp, TargetSelf, cp},
		{9612, gw, TargetCluster, nil}, // neither listens: no port decides
		{0, gw, TargetCluster, nil},    // no port: the host alone is ambiguous
	} {
		got := f.Book.ResolvePort("10.0.0.5", c.port, c.from)
		if got.Kind != c.kind || got.Node() != c.node {
			t.Errorf("ResolvePort(10.0.0.5, %d) from %s = kind %d node %v, want kind %d node %v", c.port, c.from.Name, got.Kind, got.Node(), c.kind, c.node)
		}
		if c.node != nil && !got.ByPort {
			t.Errorf("port %d: ByPort not set", c.port)
		}
	}
	if got := f.Book.CoHosted("10.0.0.5"); len(got) != 2 {
		t.Errorf("CoHosted(10.0.0.5) = %v, want cp and tm", got)
	}
	// The old host-only resolution still sees one ambiguous host.
	if got := f.Book.Resolve("10.0.0.5", gw); got.Kind != TargetCluster {
		t.Errorf("Resolve(10.0.0.5) = %v, want a cluster", got.Kind)
	}
}

// localhost is the node itself only on one of its own ports; on another
// port it is a node that shares the machine, or nothing known.
func TestResolvePortLoopback(t *testing.T) {
	f := loadMap(t, map[string]string{
		"cp/deployment.toml":  "[server]\nhostname = \"apim.lab\"\nnode_ip = \"10.9.0.5\"\nserver_role = \"control-plane\"\n",
		"km1/deployment.toml": "[server]\nhostname = \"iam-1.lab\"\nnode_ip = \"10.9.0.5\"\nserver_role = \"api-key-manager-deprecated\"\noffset = 2\n",
		"km2/deployment.toml": "[server]\nhostname = \"iam-2.lab\"\nserver_role = \"api-key-manager-deprecated\"\noffset = 2\n",
	})
	cp, km1, km2 := f.Node("cp"), f.Node("km1"), f.Node("km2")
	if got := f.Book.ResolvePort("localhost", 9445, km1); got.Kind != TargetSelf || got.NotListening {
		t.Errorf("localhost:9445 from km1 = %+v, want km1 itself", got)
	}
	if got := f.Book.ResolvePort("localhost", 9443, km1); got.Node() != cp || !got.ByPort {
		t.Errorf("localhost:9443 from km1 = %+v, want cp (same machine)", got)
	}
	if got := f.Book.ResolvePort("localhost", 9443, km2); got.Kind != TargetSelf || !got.NotListening {
		t.Errorf("localhost:9443 from km2 = %+v, want itself, not listening", got)
	}
}

// A Service named by the fleet's keys as one role is learnt as that role's
// cluster; a Service named as two roles is learnt only when its name or
// the writer's peers decide; numbered hosts and IPs are never learnt.
func TestLearnServices(t *testing.T) {
	cp := func(env, km string) string {
		return "[server]\nserver_role = \"control-plane\"\n[[apim.gateway.environment]]\nname = \"Default\"\nservice_url = \"https://" + env + ":9443/services/\"\n[apim.key_manager]\nservice_url = \"https://" + km + ":9443/services/\"\n"
	}
	gw := func(hub string) string {
		return "[server]\nserver_role = \"gateway-worker\"\n[apim.event_hub]\nservice_url = \"https://" + hub + ":9443/services/\"\n"
	}
	f := loadMap(t, map[string]string{
		"cp-a/deployment.toml": cp("apim-gateway-svc", "hub-svc"),
		"cp-b/deployment.toml": cp("apim-gateway-svc", "hub-svc"),
		"gw-a/deployment.toml": gw("hub-svc"),
		"gw-b/deployment.toml": gw("apim-gateway-svc"), // the bug: the gateway Service as event hub
		"gw-c/deployment.toml": gw("10.1.1.1"),
	})
	for host, want := range map[string]Role{"apim-gateway-svc": RoleGateway, "hub-svc": RoleControlPlane} {
		c, ok := f.Book.LoadBalancer(host)
		if !ok || !c.Learnt || c.Role != want {
			t.Errorf("%s: learnt %+v (%v), want a %s service", host, c, ok, want)
			continue
		}
		if !strings.Contains(c.Source, "named by cp-a's") {
			t.Errorf("%s: source %q does not say who names it", host, c.Source)
		}
	}
	if _, ok := f.Book.LoadBalancer("10.1.1.1"); ok {
		t.Error("an IP address was learnt as a service")
	}
	if got := f.Book.Naming("apim-gateway-svc"); len(got) != 3 {
		t.Errorf("Naming(apim-gateway-svc) = %d keys, want 3 (cp-a, cp-b, gw-b)", len(got))
	}
	if f.Book.LearntOnlyFrom("hub-svc", f.Node("gw-a")) {
		t.Error("hub-svc is named by cp-a and cp-b too, not only by gw-a")
	}
}

// With the fleet's addresses declared complete, nothing is learnt.
func TestLearnServicesCompleteFleet(t *testing.T) {
	f := loadMap(t, map[string]string{
		".apimlint.toml":       "[fleet]\ncomplete = true\n",
		"cp-a/deployment.toml": "[server]\nserver_role = \"control-plane\"\n[[apim.gateway.environment]]\nname = \"Default\"\nservice_url = \"https://gw-svc:9443/services/\"\n",
		"gw-a/deployment.toml": "[server]\nserver_role = \"gateway-worker\"\n",
	})
	if _, ok := f.Book.LoadBalancer("gw-svc"); ok {
		t.Error("learnt a service although the fleet declares its addresses complete")
	}
}

// Two nodes on one VM at the same offset, told apart by the ports the
// traffic manager's file moves its services to ([transport.https.properties]
// port, [transport.binary.receiver] tcpPort …): each port reaches the node
// that listens on it, and the moved defaults reach neither.
func TestResolvePortMovedPorts(t *testing.T) {
	f := loadMap(t, map[string]string{
		"cp/deployment.toml": "[server]\nhostname = \"10.0.0.5\"\nserver_role = \"control-plane\"\n",
		"tm/deployment.toml": "[server]\nhostname = \"10.0.0.5\"\nserver_role = \"traffic-manager\"\n\n" +
			"[transport.https.properties]\nport = 9543\n\n[transport.http.properties]\nport = 9863\n\n" +
			"[transport.binary.receiver]\ntcpPort = \"9621\"\nsslPort = 9821\n\n" +
			"[broker.transport.amqp.default_connection]\nport = 5772\n\n[broker.transport.amqp.ssl_connection]\nport = 8772\n\n" +
			"[transport.passthru_http.listener.parameters]\nport = 8380\n\n[transport.passthru_https.listener.parameters]\nport = 8343\n\n" +
			"[apim]\nws.port = 9199\nwss.port = 8199\n",
		"gw/deployment.toml": "[server]\nhostname = \"10.0.0.6\"\nserver_role = \"gateway-worker\"\n",
	})
	cp, tm, gw := f.Node("cp"), f.Node("tm"), f.Node("gw")
	if got := tm.Port(9443); got != 9543 {
		t.Errorf("tm's management HTTPS port is %d, want 9543", got)
	}
	if base, ok := tm.BaseOf(9621); !ok || base != 9611 {
		t.Errorf("tm.BaseOf(9621) = %d, %v: its binary receiver moved there", base, ok)
	}
	if _, ok := tm.BaseOf(9611); ok {
		t.Error("tm listens on the default binary port it moved away")
	}
	for _, c := range []struct {
		port int
		node *Node
	}{{9443, cp}, {9543, tm}, {9611, cp}, {9621, tm}, {9821, tm}, {5672, cp}, {5772, tm}, {8772, tm}, {8343, tm}, {9199, tm}} {
		to := f.Book.ResolvePort("10.0.0.5", c.port, gw)
		if to.Kind != TargetNode || to.Nodes[0] != c.node {
			t.Errorf("port %d: %v %v, want node %s", c.port, to.Kind, to.Nodes, c.node.Name)
		}
	}
	if samePorts(cp, tm) {
		t.Error("cp and tm share no port, yet collide")
	}
	if !samePorts(cp, f.Node("cp")) || samePorts(cp, gw) != (cp.Offset == gw.Offset) {
		t.Error("nodes that move nothing collide exactly when their offsets are equal")
	}
}

// The short forms WSO2's key mappings copy onto the receivers' and the
// pass-through listeners' ports move them too.
func TestMovedPortsShortForms(t *testing.T) {
	f := loadMap(t, map[string]string{
		"tm/deployment.toml": "[server]\nhostname = \"tm\"\nserver_role = \"traffic-manager\"\noffset = 1\n\n[transport.receiver]\ntcp_port = 9650\nssl_port = 9750\n",
		"gw/deployment.toml": "[server]\nhostname = \"gw\"\nserver_role = \"gateway-worker\"\n\n[transport.http]\nlistener.port = 8380\nlistener.secured_port = \"8343\"\n",
	})
	tm, gw := f.Node("tm"), f.Node("gw")
	for _, c := range []struct {
		n          *Node
		base, want int
	}{{tm, 9611, 9651}, {tm, 9711, 9751}, {tm, 5672, 5673}, {gw, 8280, 8380}, {gw, 8243, 8343}, {gw, 9443, 9443}} {
		if got := c.n.Port(c.base); got != c.want {
			t.Errorf("%s.Port(%d) = %d, want %d", c.n.Name, c.base, got, c.want)
		}
	}
}

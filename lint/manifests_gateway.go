package lint

// Gateway API routes as input: an HTTPRoute's hostnames are public names
// of the Services its rules send traffic to, as an Ingress rule's host is.

import (
	"encoding/json"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// gatewayGroup is the API group of the Gateway API.
const gatewayGroup = "gateway.networking.k8s.io"

// GatewayObject is a Gateway API Gateway: its listeners' hostnames are
// those of the routes attached to them that name none.
type GatewayObject struct {
	ObjectRef
	Spec gwv1.GatewaySpec
}

// decodeGateway adds the Gateway in js when it is the Gateway API's (not
// another group's kind Gateway, as Istio's).
func (m *Manifests) decodeGateway(ref ObjectRef, apiVersion string, js []byte) error {
	if !strings.HasPrefix(apiVersion, gatewayGroup+"/") {
		return nil
	}
	var g gwv1.Gateway
	if err := json.Unmarshal(js, &g); err != nil {
		return err
	}
	m.Gateways = append(m.Gateways, &GatewayObject{ObjectRef: ref, Spec: g.Spec})
	return nil
}

// HTTPRouteObject is a Gateway API HTTPRoute (gateway.networking.k8s.io
// v1, or v1beta1 of the same shape): public hostnames in front of Services.
type HTTPRouteObject struct {
	ObjectRef
	Spec gwv1.HTTPRouteSpec
}

// decodeHTTPRoute adds the HTTPRoute in js.
func (m *Manifests) decodeHTTPRoute(ref ObjectRef, js []byte) error {
	var r gwv1.HTTPRoute
	if err := json.Unmarshal(js, &r); err != nil {
		return err
	}
	m.HTTPRoutes = append(m.HTTPRoutes, &HTTPRouteObject{ObjectRef: ref, Spec: r.Spec})
	return nil
}

// routeAddresses are the hostnames of the HTTPRoutes with a rule that
// sends traffic to Service s. A route without hostnames takes those of
// the listeners of its parent Gateways (the one its sectionName names); a
// wildcard hostname names no single host.
func (m *Manifests) routeAddresses(s *ServiceObject) []Address {
	var out []Address
	add := func(host, src string) {
		if host != "" && !strings.Contains(host, "*") {
			out = append(out, Address{Host: host, Source: src})
		}
	}
	for _, r := range m.HTTPRoutes {
		if !routeReaches(r, s) {
			continue
		}
		src := "HTTPRoute " + r.Namespace + "/" + r.Name
		for _, h := range r.Spec.Hostnames {
			add(string(h), src)
		}
		if len(r.Spec.Hostnames) > 0 {
			continue
		}
		for _, p := range r.Spec.ParentRefs {
			g := m.parentGateway(r, p)
			if g == nil {
				continue
			}
			for _, l := range g.Spec.Listeners {
				if l.Hostname != nil && (p.SectionName == nil || *p.SectionName == l.Name) {
					add(string(*l.Hostname), src+" (listener "+string(l.Name)+" of Gateway "+g.Namespace+"/"+g.Name+")")
				}
			}
		}
	}
	return out
}

// parentGateway returns the Gateway a route's parentRef names, or nil.
func (m *Manifests) parentGateway(r *HTTPRouteObject, p gwv1.ParentReference) *GatewayObject {
	if (p.Group != nil && string(*p.Group) != gatewayGroup) || (p.Kind != nil && string(*p.Kind) != "Gateway") {
		return nil
	}
	ns := r.Namespace
	if p.Namespace != nil && *p.Namespace != "" {
		ns = string(*p.Namespace)
	}
	for _, g := range m.Gateways {
		if g.Name == string(p.Name) && g.Namespace == ns {
			return g
		}
	}
	return nil
}

// routeReaches reports whether a rule of the route has a backend that is
// Service s (a backendRef of the core group and kind Service, the
// defaults, in the route's namespace unless it names another).
func routeReaches(r *HTTPRouteObject, s *ServiceObject) bool {
	for _, rule := range r.Spec.Rules {
		for _, b := range rule.BackendRefs {
			ref := b.BackendObjectReference
			if ref.Group != nil && *ref.Group != "" && *ref.Group != "core" {
				continue
			}
			if ref.Kind != nil && *ref.Kind != "Service" {
				continue
			}
			ns := r.Namespace
			if ref.Namespace != nil && *ref.Namespace != "" {
				ns = string(*ref.Namespace)
			}
			if string(ref.Name) == s.Name && ns == s.Namespace {
				return true
			}
		}
	}
	return false
}

// IsPublicName reports whether the manifests give node n the name host
// through an Ingress or an HTTPRoute: a proxy in front of its Service,
// reached on the proxy's ports (80, 443), as a node's [server] hostname
// behind its proxy is.
func IsPublicName(n *Node, host string) bool {
	for _, a := range n.Addresses {
		if strings.EqualFold(a.Host, host) && (strings.HasPrefix(a.Source, "Ingress ") || strings.HasPrefix(a.Source, "HTTPRoute ")) {
			return true
		}
	}
	return false
}

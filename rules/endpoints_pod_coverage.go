package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// epPodCoverage records which pods of StatefulSet nodes a list of URLs
// names, for lists that must reach every server: a list naming tm-0 of a
// StatefulSet of two replicas misses tm-1 as surely as it would miss a
// second Deployment.
type epPodCoverage struct {
	order []*lint.Node
	named map[*lint.Node][]epHit // URLs naming one pod, per node; made at the first such URL
	whole []*lint.Node           // nodes named as a whole (a Service, a hostname)
}

// add records a URL of the list. Lists are short and most name no pod:
// the nodes named as a whole are a list searched in order, and the map
// of pods is made only for a list that names one (two maps per list of
// every gateway were a tenth of a lint's garbage).
func (c *epPodCoverage) add(h epHit) {
	if h.reach == nil {
		return
	}
	whole := slices.Contains(c.whole, h.reach)
	if _, seen := c.named[h.reach]; !seen && !whole {
		c.order = append(c.order, h.reach)
	}
	if h.to.Pod == "" {
		if !whole {
			c.whole = append(c.whole, h.reach)
		}
		return
	}
	if c.named == nil {
		c.named = map[*lint.Node][]epHit{}
	}
	c.named[h.reach] = append(c.named[h.reach], h)
}

// missing returns, per node whose pods the list names one by one, the
// URLs of the pods it leaves out, written like the first URL it names
// (tcp://tm-0.tm-hl:5672 gives tcp://tm-1.tm-hl:5672).
func (c *epPodCoverage) missing(f *lint.Fleet) (nodes []*lint.Node, urls [][]string) {
	if c.named == nil {
		return nil, nil
	}
	for _, m := range c.order {
		hits := c.named[m]
		if slices.Contains(c.whole, m) || len(hits) == 0 {
			continue
		}
		has := map[string]bool{}
		for _, h := range hits {
			has[h.to.Pod] = true
		}
		var miss []string
		for _, pod := range f.Manifests.PodNames(m) {
			if !has[pod] {
				miss = append(miss, epPodURL(hits[0], pod))
			}
		}
		if len(miss) > 0 {
			nodes, urls = append(nodes, m), append(urls, miss)
		}
	}
	return nodes, urls
}

// epPodURL writes h's URL for another pod of its StatefulSet: the pod's
// name in place of the first label of the host.
func epPodURL(h epHit, pod string) string {
	host := h.url.Host
	if i := strings.IndexByte(host, '.'); i > 0 {
		host = pod + host[i:]
	}
	return fmt.Sprintf("%s://%s:%d", h.url.Scheme, host, h.url.Port)
}

// tmReportMissingPods reports the pods of traffic-manager StatefulSets that
// a gateway's url_groups name one by one but leave some out of: those
// replicas never count its requests.
func tmReportMissingPods(p *lint.Pass, n *lint.Node, pods *epPodCoverage) {
	ms, urls := pods.missing(p.Fleet)
	for i, m := range ms {
		fr := lint.AtTable(n, "apim.throttling.url_group[0]", "%s publishes throttling events to only some replicas of traffic manager %s; the replicas at %s never count its requests: add a url_group for each",
			n.Name, m.Name, strings.Join(urls[i], ", "))
		fr.Key = "apim.throttling.url_group"
		p.Report(fr)
	}
}

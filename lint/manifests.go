package lint

// Rendered Kubernetes manifests as input: the helm-apim charts render each
// component's deployment.toml into a ConfigMap (data key deployment.toml)
// that a Deployment or StatefulSet mounts. Every such key is a node named
// after the workload; Services selecting the workload's pods give the node
// the names the other nodes use for it. Findings inside the TOML point at
// the manifest line of the block scalar holding it (manifestPositions).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// RuleK8sManifest is the rule of problems reading manifests (YAML that does
// not parse, an object that does not decode).
const RuleK8sManifest = "k8s-manifest"

// manifestKey is the ConfigMap data key that holds a node file.
const manifestKey = NodeFileName

// maxManifestBytes bounds one manifest stream: hostile input must not
// exhaust memory.
const maxManifestBytes = 256 << 20

// maxPodNames bounds the pod DNS names a StatefulSet's replicas give its
// node (pod-0 … pod-N through a headless Service): replicas: 1000000000
// must not exhaust memory.
const maxPodNames = 256

// Manifests are the Kubernetes facts of a fleet loaded from manifests:
// workloads, the ConfigMaps they mount, Services, Ingresses and HTTPRoutes. Rules
// read them through Fleet.Manifests (nil for a fleet of TOML files).
type Manifests struct {
	Workloads  []*Workload
	ConfigMaps []*ConfigMapObject
	Services   []*ServiceObject
	Ingresses  []*IngressObject
	HTTPRoutes []*HTTPRouteObject
	Gateways   []*GatewayObject

	nodes      map[string]*ManifestNode  // by node name
	virtual    map[string]*ManifestNode  // by node File
	services   map[string]*ServiceObject // by namespace/name
	namespaces map[string]bool           // namespaces of workloads and Services
	svcNS      map[string]bool           // namespaces with a Service
	servicesOf map[*Workload][]*ServiceObject
	origins    map[string]ManifestOrigin // by source File (rendered charts)
	defaultNS  map[string]string         // by source File (rendered charts)
}

// ObjectRef is where a Kubernetes object is written.
type ObjectRef struct {
	Kind      string
	Namespace string // "default" when the manifest names none
	Name      string
	File      string
	Line      int // of the object's metadata.name (of the object when absent)
	Column    int
}

func (o ObjectRef) String() string { return o.Kind + " " + o.Namespace + "/" + o.Name }

// Workload is a Deployment or StatefulSet.
type Workload struct {
	ObjectRef
	Replicas    int
	PodLabels   map[string]string
	Containers  []corev1.Container
	ServiceName string   // StatefulSet spec.serviceName
	ConfigMaps  []string // ConfigMaps its pods mount as volumes
	Nodes       []*ManifestNode
}

// ConfigMapObject is a ConfigMap; Block is set when it holds a deployment.toml.
type ConfigMapObject struct {
	ObjectRef
	Block *TOMLBlock
	// MountedBy are the workloads that mount it.
	MountedBy []*Workload
}

// TOMLBlock is where a ConfigMap's deployment.toml is written in the
// manifest. For a literal block scalar (| or |-) the TOML's line N is the
// manifest's line Line+N and its columns are shifted by Indent; for other
// forms (quoted, folded) lines do not map and findings point at the key.
type TOMLBlock struct {
	File      string
	Line      int // the line of the block indicator
	Indent    int
	Exact     bool
	KeyLine   int
	KeyColumn int
	Style     string // "literal", "folded", "double-quoted", "single-quoted", "plain"
	Text      string
}

// ServiceObject is a Service with the workloads it selects.
type ServiceObject struct {
	ObjectRef
	Spec      corev1.ServiceSpec
	Workloads []*Workload
}

// Headless reports whether the Service has no cluster IP (pod DNS names).
func (s *ServiceObject) Headless() bool { return s.Spec.ClusterIP == corev1.ClusterIPNone }

// IngressObject is an Ingress: public hosts in front of Services.
type IngressObject struct {
	ObjectRef
	Spec networkingv1.IngressSpec
}

// ManifestNode is a node made from a ConfigMap's deployment.toml.
type ManifestNode struct {
	Name      string
	File      string // the node's File: a name for the ConfigMap's TOML
	Workload  *Workload
	ConfigMap *ConfigMapObject
}

// Node returns what the manifests say about the named node, or nil.
func (m *Manifests) Node(name string) *ManifestNode {
	if m == nil {
		return nil
	}
	return m.nodes[name]
}

// NamespaceHasServices reports whether the manifests define a Service in
// namespace ns: apimlint then takes them to hold every Service of it.
func (m *Manifests) NamespaceHasServices(ns string) bool { return m.svcNS[ns] }

// ServiceForHost returns the Service a host names as seen from a pod in
// namespace ns (svc, svc.ns, svc.ns.svc, svc.ns.svc.cluster.local, and
// pod.svc… for a headless Service), or nil. ok is false when the host
// is not shaped like an in-cluster name at all (it has dots and no .svc
// and is not svc.ns of a namespace the manifests know).
func (m *Manifests) ServiceForHost(host, ns string) (svc *ServiceObject, inCluster bool) {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	h = strings.TrimSuffix(h, ".cluster.local")
	parts := strings.Split(h, ".")
	find := func(name, namespace string) *ServiceObject { return m.services[namespace+"/"+name] }
	known := func(namespace string) bool { return m.namespaces[namespace] }
	switch {
	case len(parts) == 1:
		return find(parts[0], ns), true
	case parts[len(parts)-1] == "svc" && len(parts) >= 3:
		namespace := parts[len(parts)-2]
		name := parts[len(parts)-3]
		return find(name, namespace), true
	case len(parts) == 2 && known(parts[1]):
		return find(parts[0], parts[1]), true
	case len(parts) == 3 && known(parts[2]):
		// pod.svc.ns through a headless Service
		if s := find(parts[1], parts[2]); s != nil && s.Headless() {
			return s, true
		}
		return nil, false
	}
	return nil, false
}

// ManifestSource is one manifest stream: a display path and its bytes.
type ManifestSource struct {
	File string
	Data []byte
	// Namespace is that of objects naming none ("default" when empty).
	Namespace string
	// Origin, when set, maps the stream's lines to where they were
	// written (a rendered chart's templates).
	Origin ManifestOrigin
}

// LoadManifests loads the nodes in the manifests read from r, shown as
// file in findings ("-" for standard input).
func LoadManifests(r io.Reader, file string, opts LoadOptions) (*Fleet, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", file, err)
	}
	if len(data) > maxManifestBytes {
		return nil, fmt.Errorf("load %s: more than %d MiB of manifests", file, maxManifestBytes>>20)
	}
	return BuildManifestFleet(file, []ManifestSource{{File: file, Data: data}}, nil, opts.Config, nil, opts)
}

// LoadManifestsFS loads the fleet below dir in fsys from its manifests
// (*.yaml, *.yml) and its deployment.toml files together.
func LoadManifestsFS(fsys fs.FS, dir string, opts LoadOptions) (*Fleet, error) {
	files, err := walkFS(fsys, dir, IsManifestPath)
	if err != nil {
		return nil, err
	}
	var srcs []ManifestSource
	for _, p := range files {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", p, err)
		}
		srcs = append(srcs, ManifestSource{File: p, Data: data})
	}
	tomlFleet, err := LoadFS(fsys, dir, opts)
	if err != nil {
		return nil, err
	}
	f, err := BuildManifestFleet(dir, srcs, tomlFleet.Nodes, tomlFleet.Config, tomlFleet.Diagnostics, opts)
	if f != nil {
		f.FS = fsys
	}
	return f, err
}

// IsManifestPath reports whether a file name is a YAML manifest.
func IsManifestPath(p string) bool {
	ext := strings.ToLower(path.Ext(filepath.ToSlash(p)))
	return ext == ".yaml" || ext == ".yml"
}

// LoadPaths is Load for paths that may also be manifests: "-" (read from
// stdin), *.yaml/*.yml files, and directories that hold manifests but no
// deployment.toml. Without any of them it is Load.
func LoadPaths(paths []string, stdin io.Reader, opts LoadOptions) (*Fleet, error) {
	var tomlPaths []string
	var srcs []ManifestSource
	for _, p := range paths {
		switch {
		case p == "-":
			data, err := io.ReadAll(io.LimitReader(stdin, maxManifestBytes+1))
			if err != nil {
				return nil, fmt.Errorf("load standard input: %w", err)
			}
			if len(data) > maxManifestBytes {
				return nil, fmt.Errorf("load standard input: more than %d MiB of manifests", maxManifestBytes>>20)
			}
			srcs = append(srcs, ManifestSource{File: opts.stdinName(), Data: data})
		case IsManifestPath(p):
			data, err := readManifestFile(p)
			if err != nil {
				return nil, err
			}
			srcs = append(srcs, ManifestSource{File: p, Data: data})
		default:
			found, isManifestDir, err := manifestDir(p)
			if err != nil {
				return nil, err
			}
			if isManifestDir {
				srcs = append(srcs, found...)
				continue
			}
			tomlPaths = append(tomlPaths, p)
		}
	}
	srcs = append(srcs, opts.Manifests...)
	if len(srcs) == 0 {
		return Load(paths, opts)
	}
	root := "."
	if len(paths) > 0 && paths[0] != "-" {
		root = paths[0]
	}
	var nodes []*Node
	var diag []Finding
	cfg := opts.Config
	if len(tomlPaths) > 0 {
		tf, err := Load(tomlPaths, opts)
		if err != nil {
			return nil, err
		}
		nodes, cfg, diag = tf.Nodes, tf.Config, tf.Diagnostics
	} else if cfg == nil {
		c, d, err := loadConfigOS(root, opts)
		if err != nil {
			return nil, err
		}
		cfg, diag = c, d
	}
	return BuildManifestFleet(root, srcs, nodes, cfg, diag, opts)
}

func readManifestFile(p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", p, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("load %s: not a regular file", p)
	}
	if st.Size() > maxManifestBytes {
		return nil, fmt.Errorf("load %s: more than %d MiB of manifests", p, maxManifestBytes>>20)
	}
	// Read as node files are: a file swapped for a FIFO since the Stat
	// is an error, not a wait, and one that grew is still bounded.
	data, err := readRegularFile(p, maxManifestBytes, "manifest file")
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", p, err)
	}
	if len(data) > maxManifestBytes {
		return nil, fmt.Errorf("load %s: more than %d MiB of manifests", p, maxManifestBytes>>20)
	}
	return data, nil
}

// manifestDir returns the manifests below a directory that holds no
// deployment.toml (a directory with node files is a TOML fleet, whatever
// other YAML lies in it).
func manifestDir(dir string) ([]ManifestSource, bool, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, false, fmt.Errorf("load %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, false, nil
	}
	files, hasTOML, err := scanManifestDir(dir)
	if err != nil || hasTOML || len(files) == 0 {
		return nil, false, err
	}
	sort.Strings(files)
	var out []ManifestSource
	for _, p := range files {
		data, err := readManifestFile(p)
		if err != nil {
			return nil, false, err
		}
		out = append(out, ManifestSource{File: p, Data: data})
	}
	return out, true, nil
}

// BuildManifestFleet builds the fleet of the manifests' nodes together
// with nodes already built from TOML files (tomlNodes, may be nil).
func BuildManifestFleet(root string, srcs []ManifestSource, tomlNodes []*Node, cfg *Config, diag []Finding, opts LoadOptions) (*Fleet, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	m := &Manifests{nodes: map[string]*ManifestNode{}, virtual: map[string]*ManifestNode{}}
	for _, s := range srcs {
		m.record(s)
		diag = append(diag, m.parse(s.File, s.Data)...)
	}
	m.link()
	list := m.nodeList()
	built := make([]*Node, len(list))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, mn := range list {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			built[i] = NewNode(mn.Name, mn.File, []byte(mn.ConfigMap.Block.Text), cfg, opts.Resolve)
			built[i].Rel = manifestRel(root, mn.File)
		}()
	}
	wg.Wait()
	f := &Fleet{Root: root, Config: cfg, Diagnostics: diag, Manifests: m}
	for _, n := range append(append([]*Node(nil), tomlNodes...), built...) {
		c := *n
		nc, _ := cfg.NodeConfigFor(c.Name)
		c.Addresses = nil
		c.ownAddresses(nc)
		if m.nodes[c.Name] != nil {
			workloadNameSource(&c)
		}
		if mn := m.nodes[c.Name]; mn != nil && mn.Workload != nil {
			for _, a := range m.addresses(mn.Workload) {
				c.addAddress(a.Host, a.Source)
			}
		} else if mn != nil {
			// No pod reads it: its name is a ConfigMap's, not a host.
			c.Addresses = nil
			c.Dormant = mn.ConfigMap.String() + " is mounted by no workload (Deployment, StatefulSet, DaemonSet or Rollout)"
		}
		f.Nodes = append(f.Nodes, &c)
	}
	f.assemble()
	return f, nil
}

// nodeList names the nodes: one per mounted ConfigMap TOML per workload
// (#N when a workload mounts several), one per unmounted ConfigMap.
func (m *Manifests) nodeList() []*ManifestNode {
	var out []*ManifestNode
	byName := map[string]*ConfigMapObject{}
	for _, c := range m.ConfigMaps {
		byName[c.Namespace+"/"+c.Name] = c
	}
	for _, w := range m.Workloads {
		var cms []*ConfigMapObject
		for _, name := range w.ConfigMaps {
			if c := byName[w.Namespace+"/"+name]; c != nil && c.Block != nil && !slices.Contains(cms, c) {
				cms = append(cms, c)
			}
		}
		base := w.Namespace + "/" + strings.ToLower(w.Kind) + "/" + w.Name
		for i, c := range cms {
			name := base
			if len(cms) > 1 {
				name += "#" + strconv.Itoa(i+1)
			}
			mn := &ManifestNode{Name: name, Workload: w, ConfigMap: c}
			w.Nodes = append(w.Nodes, mn)
			out = append(out, mn)
		}
	}
	for _, c := range m.ConfigMaps {
		if c.Block != nil && len(c.MountedBy) == 0 {
			out = append(out, &ManifestNode{Name: c.Namespace + "/configmap/" + c.Name, ConfigMap: c})
		}
	}
	for _, mn := range out {
		// A name of its own for the TOML: findings are moved to the
		// manifest's lines by manifestPositions.
		mn.File = mn.ConfigMap.Block.File + "#configmap/" + mn.ConfigMap.Namespace + "/" + mn.ConfigMap.Name + "/" + manifestKey
		m.nodes[mn.Name] = mn
		m.virtual[mn.File] = mn
	}
	return out
}

// link connects ConfigMaps to the workloads that mount them and Services
// to the workloads they select.
func (m *Manifests) link() {
	m.services = map[string]*ServiceObject{}
	m.namespaces = map[string]bool{}
	m.svcNS = map[string]bool{}
	m.servicesOf = map[*Workload][]*ServiceObject{}
	cms := map[string]*ConfigMapObject{}
	for _, c := range m.ConfigMaps {
		cms[c.Namespace+"/"+c.Name] = c
	}
	// Workloads by namespace and pod label: a Service's selector then
	// looks only at the workloads that have its first label.
	byLabel := map[string][]*Workload{}
	for _, w := range m.Workloads {
		m.namespaces[w.Namespace] = true
		for _, name := range w.ConfigMaps {
			if c := cms[w.Namespace+"/"+name]; c != nil && !containsWorkload(c.MountedBy, w) {
				c.MountedBy = append(c.MountedBy, w)
			}
		}
		for k, v := range w.PodLabels {
			byLabel[w.Namespace+"/"+k+"="+v] = append(byLabel[w.Namespace+"/"+k+"="+v], w)
		}
	}
	for _, s := range m.Services {
		m.namespaces[s.Namespace] = true
		m.svcNS[s.Namespace] = true
		m.services[s.Namespace+"/"+s.Name] = s
		if len(s.Spec.Selector) == 0 {
			continue
		}
		keys := make([]string, 0, len(s.Spec.Selector))
		for k := range s.Spec.Selector {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, w := range byLabel[s.Namespace+"/"+keys[0]+"="+s.Spec.Selector[keys[0]]] {
			if selects(s.Spec.Selector, w.PodLabels) {
				s.Workloads = append(s.Workloads, w)
				m.servicesOf[w] = append(m.servicesOf[w], s)
			}
		}
	}
}

func selects(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// addresses are the DNS names of the Services (and Ingress hosts in
// front of them) that reach the workload's pods.
func (m *Manifests) addresses(w *Workload) []Address {
	var out []Address
	for _, s := range m.servicesOf[w] {
		src := "Service " + s.Namespace + "/" + s.Name
		for _, h := range serviceNames(s.Name, s.Namespace) {
			out = append(out, Address{Host: h, Source: src})
		}
		if s.Headless() && w.Kind == "StatefulSet" {
			for i := 0; i < min(max(w.Replicas, 1), maxPodNames); i++ {
				for _, h := range serviceNames(s.Name, s.Namespace) {
					out = append(out, Address{Host: w.Name + "-" + strconv.Itoa(i) + "." + h, Source: src + " (pod DNS)"})
				}
			}
		}
		for _, ing := range m.Ingresses {
			if ing.Namespace != s.Namespace {
				continue
			}
			for _, r := range ing.Spec.Rules {
				if r.Host != "" && !strings.Contains(r.Host, "*") && ruleReaches(r, s.Name) {
					out = append(out, Address{Host: r.Host, Source: "Ingress " + ing.Namespace + "/" + ing.Name})
				}
			}
		}
		out = append(out, m.routeAddresses(s)...)
	}
	return out
}

// ruleReaches reports whether an Ingress rule sends any path to the Service.
func ruleReaches(r networkingv1.IngressRule, svc string) bool {
	if r.HTTP == nil {
		return false
	}
	for _, p := range r.HTTP.Paths {
		if p.Backend.Service != nil && p.Backend.Service.Name == svc {
			return true
		}
	}
	return false
}

func serviceNames(name, ns string) []string {
	return []string{name, name + "." + ns, name + "." + ns + ".svc", name + "." + ns + ".svc.cluster.local"}
}

func containsWorkload(ws []*Workload, w *Workload) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// parse reads one manifest stream; problems are findings, never errors.
func (m *Manifests) parse(file string, data []byte) []Finding {
	var diag []Finding
	lines := bytes.Split(data, []byte("\n"))
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 1
			if mm := yamlLineRE.FindStringSubmatch(err.Error()); mm != nil {
				line, _ = strconv.Atoi(mm[1])
			}
			diag = append(diag, Finding{Rule: RuleK8sManifest, Severity: SeverityError, File: file, Line: line, Column: 1,
				Message: "manifest is not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")})
			break
		}
		if len(doc.Content) == 0 {
			continue
		}
		diag = append(diag, m.object(file, lines, doc.Content[0])...)
	}
	return diag
}

func mapValue(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

func (m *Manifests) object(file string, lines [][]byte, obj *yaml.Node) []Finding {
	if obj.Kind != yaml.MappingNode {
		return nil
	}
	_, kindNode := mapValue(obj, "kind")
	if kindNode == nil {
		return nil
	}
	kind := kindNode.Value
	if strings.HasSuffix(kind, "List") {
		var diag []Finding
		if _, items := mapValue(obj, "items"); items != nil && items.Kind == yaml.SequenceNode {
			for _, it := range items.Content {
				diag = append(diag, m.object(file, lines, it)...)
			}
		}
		return diag
	}
	switch kind {
	case "ConfigMap", "Deployment", "StatefulSet", "DaemonSet", "Rollout", "Service", "Ingress", "HTTPRoute", "Gateway":
	default:
		return nil
	}
	ref := ObjectRef{Kind: kind, File: file, Line: obj.Line, Column: obj.Column}
	_, meta := mapValue(obj, "metadata")
	if _, nameNode := mapValue(meta, "name"); nameNode != nil {
		ref.Line, ref.Column = nameNode.Line, nameNode.Column
	}
	fail := func(err error) []Finding {
		return []Finding{{Rule: RuleK8sManifest, Severity: SeverityError, File: file, Line: ref.Line, Column: ref.Column,
			Message: fmt.Sprintf("%s does not decode: %v", kind, err)}}
	}
	var generic any
	if err := obj.Decode(&generic); err != nil {
		return fail(err)
	}
	js, err := json.Marshal(generic)
	if err != nil {
		return fail(err)
	}
	var om struct {
		Metadata struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(js, &om); err != nil {
		return fail(err)
	}
	ref.Name, ref.Namespace = om.Metadata.Name, om.Metadata.Namespace
	if ref.Namespace == "" {
		ref.Namespace = m.defaultNamespace(file)
	}
	switch kind {
	case "ConfigMap":
		var cm corev1.ConfigMap
		if err := json.Unmarshal(js, &cm); err != nil {
			return fail(err)
		}
		c := &ConfigMapObject{ObjectRef: ref}
		if text, ok := cm.Data[manifestKey]; ok {
			_, data := mapValue(obj, "data")
			k, v := mapValue(data, manifestKey)
			c.Block = tomlBlock(file, lines, k, v, text)
		}
		m.ConfigMaps = append(m.ConfigMaps, c)
	case "Deployment":
		var d appsv1.Deployment
		if err := json.Unmarshal(js, &d); err != nil {
			return fail(err)
		}
		m.Workloads = append(m.Workloads, workload(ref, d.Spec.Replicas, d.Spec.Template.Labels, d.Spec.Template.Spec, ""))
	case "StatefulSet":
		var s appsv1.StatefulSet
		if err := json.Unmarshal(js, &s); err != nil {
			return fail(err)
		}
		m.Workloads = append(m.Workloads, workload(ref, s.Spec.Replicas, s.Spec.Template.Labels, s.Spec.Template.Spec, s.Spec.ServiceName))
	case "DaemonSet":
		// One pod per cluster node: how many is not in the manifest, so
		// it counts as one replica (no replica-based finding).
		var d appsv1.DaemonSet
		if err := json.Unmarshal(js, &d); err != nil {
			return fail(err)
		}
		m.Workloads = append(m.Workloads, workload(ref, nil, d.Spec.Template.Labels, d.Spec.Template.Spec, ""))
	case "Rollout":
		// Argo Rollouts: a Deployment's replicas and pod template.
		var r struct {
			Spec struct {
				Replicas *int32                 `json:"replicas"`
				Template corev1.PodTemplateSpec `json:"template"`
			} `json:"spec"`
		}
		if err := json.Unmarshal(js, &r); err != nil {
			return fail(err)
		}
		m.Workloads = append(m.Workloads, workload(ref, r.Spec.Replicas, r.Spec.Template.Labels, r.Spec.Template.Spec, ""))
	case "Service":
		var s corev1.Service
		if err := json.Unmarshal(js, &s); err != nil {
			return fail(err)
		}
		m.Services = append(m.Services, &ServiceObject{ObjectRef: ref, Spec: s.Spec})
	case "Ingress":
		var ing networkingv1.Ingress
		if err := json.Unmarshal(js, &ing); err != nil {
			return fail(err)
		}
		m.Ingresses = append(m.Ingresses, &IngressObject{ObjectRef: ref, Spec: ing.Spec})
	case "HTTPRoute":
		if err := m.decodeHTTPRoute(ref, js); err != nil {
			return fail(err)
		}
	case "Gateway":
		_, av := mapValue(obj, "apiVersion")
		if av == nil {
			return nil
		}
		if err := m.decodeGateway(ref, av.Value, js); err != nil {
			return fail(err)
		}
	}
	return nil
}

func workload(ref ObjectRef, replicas *int32, labels map[string]string, pod corev1.PodSpec, svc string) *Workload {
	w := &Workload{ObjectRef: ref, Replicas: 1, PodLabels: labels, ServiceName: svc}
	if replicas != nil {
		w.Replicas = int(*replicas)
	}
	w.Containers = append(w.Containers, pod.InitContainers...)
	w.Containers = append(w.Containers, pod.Containers...)
	for _, v := range pod.Volumes {
		switch {
		case v.ConfigMap != nil:
			w.ConfigMaps = append(w.ConfigMaps, v.ConfigMap.Name)
		case v.Projected != nil:
			for _, s := range v.Projected.Sources {
				if s.ConfigMap != nil {
					w.ConfigMaps = append(w.ConfigMaps, s.ConfigMap.Name)
				}
			}
		}
	}
	return w
}

// tomlBlock finds where the TOML text is written: for a literal block
// scalar, the indicator's line and the content's indentation.
func tomlBlock(file string, lines [][]byte, k, v *yaml.Node, text string) *TOMLBlock {
	b := &TOMLBlock{File: file, Text: text}
	if k != nil {
		b.KeyLine, b.KeyColumn = k.Line, k.Column
	}
	if v == nil {
		return b
	}
	b.Line = v.Line
	switch {
	case v.Style&yaml.LiteralStyle != 0:
		b.Style = "literal"
		b.Exact = true
		b.Indent = blockIndent(lines, v.Line)
	case v.Style&yaml.FoldedStyle != 0:
		b.Style = "folded"
	case v.Style&yaml.DoubleQuotedStyle != 0:
		b.Style = "double-quoted"
	case v.Style&yaml.SingleQuotedStyle != 0:
		b.Style = "single-quoted"
	default:
		b.Style = "plain"
	}
	return b
}

// blockIndent is the indentation of a block scalar's first non-empty line
// after the indicator on line (1-based).
func blockIndent(lines [][]byte, line int) int {
	for i := line; i < len(lines); i++ { // lines[line] is the manifest's line+1
		l := bytes.TrimRight(lines[i], "\r")
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		return len(l) - len(bytes.TrimLeft(l, " "))
	}
	return 0
}

// manifestPositions moves findings from a ConfigMap's TOML to the
// manifest: the line and column inside a literal block scalar, or the
// data key's line for other forms. Fixes are dropped: they edit TOML
// files, and the TOML lives inside YAML.
type manifestPositions struct{}

func (manifestPositions) Name() string { return "manifest-positions" }

func (manifestPositions) Process(f *Fleet, all []Finding) ([]Finding, error) {
	m := f.Manifests
	if m == nil {
		return all, nil
	}
	for i := range all {
		fd := &all[i]
		if mn := m.virtual[fd.File]; mn != nil {
			if own := m.nodes[fd.Node]; own != nil && own.File == fd.File {
				mn = own // nodes sharing a ConfigMap share its File
			}
			b := mn.ConfigMap.Block
			line := fd.Line
			fd.File, fd.Line, fd.Column = b.mapPos(fd.Line, fd.Column)
			if !b.Exact && line > 0 {
				fd.Message += fmt.Sprintf(" (line %d of the %s %s in %s)", line, b.Style, manifestKey, mn.ConfigMap)
			}
			fd.Message += sharedConfigMapNote(mn, fd.Message)
			fd.Fixes = nil
		}
		for j := range fd.Related {
			r := &fd.Related[j]
			if mn := m.virtual[r.File]; mn != nil {
				r.File, r.Line, r.Column = mn.ConfigMap.Block.mapPos(r.Line, r.Column)
			}
		}
		m.toOrigin(fd)
	}
	return all, nil
}

func (b *TOMLBlock) mapPos(line, col int) (string, int, int) {
	if !b.Exact || line <= 0 {
		return b.File, b.KeyLine, b.KeyColumn
	}
	if col > 0 {
		col += b.Indent
	}
	return b.File, b.Line + line, col
}

// ManifestProcessor returns the processor that moves findings in
// ConfigMaps to the manifests' lines (part of Linter.Chain).
func ManifestProcessor() Processor { return manifestPositions{} }

// TargetPort returns the container port the Service forwards its port to:
// the targetPort number, the port of that name in the selected containers,
// or the port itself when targetPort is unset. ok is false when the
// Service does not expose port or a named targetPort matches no container
// port. A headless Service forwards nothing: the port is the pods'.
func (s *ServiceObject) TargetPort(port int) (int, bool) {
	if s.Headless() {
		return port, true
	}
	for _, sp := range s.Spec.Ports {
		if int(sp.Port) != port {
			continue
		}
		tp := sp.TargetPort
		if tp.StrVal == "" {
			if tp.IntVal == 0 {
				return port, true
			}
			return int(tp.IntVal), true
		}
		for _, w := range s.Workloads {
			for _, c := range w.Containers {
				for _, cp := range c.Ports {
					if cp.Name == tp.StrVal {
						return int(cp.ContainerPort), true
					}
				}
			}
		}
		return 0, false
	}
	return 0, false
}

// PodPort is the port a URL from node from reaches on the pods when its
// host is a Service of the manifests: the Service's targetPort. ok is
// false when the host is no Service (the port is then the URL's own).
func (m *Manifests) PodPort(host string, port int, from *Node) (int, bool) {
	if m == nil || port <= 0 || from == nil {
		return 0, false
	}
	ns := "default"
	if mn := m.nodes[from.Name]; mn != nil {
		ns = mn.ConfigMap.Namespace
		if mn.Workload != nil {
			ns = mn.Workload.Namespace
		}
	}
	s, _ := m.ServiceForHost(host, ns)
	if s == nil {
		return 0, false
	}
	return s.TargetPort(port)
}

// IsManifestInput reports whether paths hold Kubernetes manifests for
// LoadPaths: "-", a *.yaml/*.yml file, or a directory with manifests and
// no deployment.toml. Such paths are one fleet, never an estate.
func IsManifestInput(paths []string) bool {
	for _, p := range paths {
		if p == "-" || IsManifestPath(p) {
			return true
		}
		if st, err := os.Stat(p); err == nil && st.IsDir() && holdsOnlyManifests(p) {
			return true
		}
	}
	return false
}

// holdsOnlyManifests reports whether a directory tree holds YAML files and
// no deployment.toml.
func holdsOnlyManifests(dir string) bool {
	files, hasTOML, _ := scanManifestDir(dir) // an unreadable tree: LoadPaths reports it
	return len(files) > 0 && !hasTOML
}

// scanManifestDir lists the manifest files below dir (hidden directories
// skipped, as Load does), and says whether it holds a deployment.toml:
// then it is a TOML fleet, whatever other YAML lies in it.
func scanManifestDir(dir string) (files []string, hasTOML bool, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("load %s: %w", p, err)
		}
		if d.IsDir() {
			if p != dir && skipDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case d.Name() == NodeFileName:
			hasTOML = true
			return fs.SkipAll
		case IsManifestPath(p) && d.Type().IsRegular():
			files = append(files, p)
		}
		return nil
	})
	return files, hasTOML, err
}

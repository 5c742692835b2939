package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/apimlint/apimlint/internal/tomldoc"
	"github.com/apimlint/apimlint/lint/placeholder"
	"github.com/apimlint/apimlint/wso2"
)

// NodeFileName is the file every WSO2 node reads its configuration from.
const NodeFileName = wso2.NodeFileName

// Fleet is every node of a deployment, loaded together.
type Fleet struct {
	// Root is the path the user gave (the first one, when several).
	Root   string
	Nodes  []*Node
	Config *Config
	// Diagnostics are fleet-level findings: problems of the fleet config.
	Diagnostics []Finding
	Book        *AddressBook
	// FS is the file system the fleet was loaded from (nil: the operating
	// system's). Rules read keystores and policies through ReadFile.
	FS fs.FS
	// Manifests are the Kubernetes facts when the fleet came from manifests (see LoadManifests).
	Manifests *Manifests

	byName map[string]*Node
	// elsewhere looks hosts up in the other fleets of an estate.
	elsewhere func(host string) []EstateNode

	rolesMu sync.Mutex
	roles   map[roleKey]roleMemo

	secretsOnce sync.Once
	secrets     *secretSet // plain secret values, for the engine's scrub
}

// secretSet returns the fleet's plain secret values, collected once.
func (f *Fleet) secretSet() *secretSet {
	f.secretsOnce.Do(func() { f.secrets = newSecretSet(secretValues(f.Nodes)) })
	return f.secrets
}

// ReadFile reads a file of the fleet: a path as findings show it (the
// path the user gave joined with the file below it, or a path in FS).
func (f *Fleet) ReadFile(name string) ([]byte, error) {
	if f.FS == nil {
		return os.ReadFile(name)
	}
	return fs.ReadFile(f.FS, path.Clean(filepath.ToSlash(name)))
}

// Glob returns the fleet's files that match pattern (see ReadFile).
func (f *Fleet) Glob(pattern string) ([]string, error) {
	if f.FS == nil {
		return filepath.Glob(pattern)
	}
	return fs.Glob(f.FS, path.Clean(filepath.ToSlash(pattern)))
}

// Node returns the node with this name, or nil.
func (f *Fleet) Node(name string) *Node { return f.byName[name] }

// ByRole returns the nodes that act as role r (an all-in-one node acts as
// every APIM role), in name order.
func (f *Fleet) ByRole(r Role) []*Node { return f.roleNodes(r, false) }

// OfRole returns the nodes whose role is exactly r.
func (f *Fleet) OfRole(r Role) []*Node { return f.roleNodes(r, true) }

// roleNodes lists the nodes of a role once per fleet: rules ask for them
// per node and per URL, and a fresh scan each time made those rules
// O(nodes²). The list is shared, so it is returned with its capacity cut
// to its length: a caller's append copies it. A fleet whose Nodes grew
// since (tests build fleets by hand) is scanned again.
func (f *Fleet) roleNodes(r Role, exact bool) []*Node {
	k := roleKey{r, exact}
	f.rolesMu.Lock()
	defer f.rolesMu.Unlock()
	if c, ok := f.roles[k]; ok && c.of == len(f.Nodes) {
		return c.nodes
	}
	var out []*Node
	for _, n := range f.Nodes {
		if n.Dormant != "" {
			continue // no server: never a peer or a target
		}
		if n.Role == r || (!exact && n.Role.ActsAs(r)) {
			out = append(out, n)
		}
	}
	out = out[:len(out):len(out)]
	if f.roles == nil {
		f.roles = map[roleKey]roleMemo{}
	}
	f.roles[k] = roleMemo{nodes: out, of: len(f.Nodes)}
	return out
}

type roleKey struct {
	role  Role
	exact bool
}

type roleMemo struct {
	nodes []*Node
	of    int // len(Fleet.Nodes) when listed
}

// LoadOptions control how a fleet is loaded.
type LoadOptions struct {
	// Config overrides the fleet config; when nil, .apimlint.toml at the
	// root is read if present (or ConfigFile when set).
	Config     *Config
	ConfigFile string
	Resolve    ResolveOptions
	// StdinName names manifests read from standard input ("-" among
	// LoadPaths' paths) in findings: DefaultStdinName when empty.
	StdinName string
	// Manifests are manifest streams LoadPaths loads with its paths
	// (charts rendered in-process, see package helmchart).
	Manifests []ManifestSource
}

// source is one node file to read.
type source struct {
	display string // path for output
	rel     string // slash path relative to the fleet root
	name    string // node name
	read    func() ([]byte, error)
}

// Load loads the fleet at the given paths: directories are searched for
// deployment.toml files at any depth, *.toml files are taken as they are.
// An unreadable or missing path is an error; a file that is not valid TOML
// is a node with a toml-syntax finding.
func Load(paths []string, opts LoadOptions) (*Fleet, error) {
	if len(paths) == 0 {
		return nil, errors.New("no path given")
	}
	var srcs []source
	root := paths[0]
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", p, err)
		}
		if st.IsDir() {
			found, err := walkOS(p)
			if err != nil {
				return nil, err
			}
			srcs = append(srcs, found...)
			continue
		}
		if filepath.Base(p) == ConfigFileName {
			continue
		}
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("load %s: not a regular file", p)
		}
		fp := p
		name := wso2.NodeNameForFile(p)
		srcs = append(srcs, source{display: p, rel: filepath.ToSlash(filepath.Clean(p)), name: name, read: func() ([]byte, error) { return readNodeFile(fp) }})
	}
	cfg, cfgDiag, err := loadConfigOS(root, opts)
	if err != nil {
		return nil, err
	}
	return build(root, srcs, cfg, cfgDiag, opts)
}

// LoadFS loads the fleet found below dir in fsys (use "." for its root).
// Paths in findings are dir joined with each file's path below it.
func LoadFS(fsys fs.FS, dir string, opts LoadOptions) (*Fleet, error) {
	files, err := walkFS(fsys, dir, func(p string) bool { return path.Base(p) == NodeFileName })
	if err != nil {
		return nil, err
	}
	var srcs []source
	for _, p := range files {
		rel := strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
		if dir == "." {
			rel = p
		}
		fp := p
		srcs = append(srcs, source{display: p, rel: rel, name: wso2.NodeName(dir, rel),
			read: func() ([]byte, error) { return fs.ReadFile(fsys, fp) }})
	}
	cfg := opts.Config
	var diag []Finding
	if cfg == nil {
		cfgPath := path.Join(dir, ConfigFileName)
		if data, err := fs.ReadFile(fsys, cfgPath); err == nil {
			cfg, diag = ParseConfig(cfgPath, data)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("load %s: %w", cfgPath, err)
		}
	}
	f, err := build(dir, srcs, cfg, diag, opts)
	if f != nil {
		f.FS = fsys
	}
	return f, err
}

func loadConfigOS(root string, opts LoadOptions) (*Config, []Finding, error) {
	if opts.Config != nil {
		return opts.Config, nil, nil
	}
	file := opts.ConfigFile
	explicit := file != ""
	if !explicit {
		dir := root
		if st, err := os.Stat(root); err == nil && !st.IsDir() {
			dir = filepath.Dir(root)
		}
		file = filepath.Join(dir, ConfigFileName)
	}
	data, err := readNodeFile(file)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("load config %s: %w", file, err)
	}
	cfg, diag := ParseConfig(file, data)
	return cfg, diag, nil
}

func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") && name != "." && name != ".."
}

// walkOS finds node files below root (see WalkFleet).
func walkOS(root string) ([]source, error) {
	tree, err := WalkFleet(root)
	if err != nil {
		return nil, err
	}
	return treeSources(tree), nil
}

// treeSources are the node files of a walked tree, to be read.
func treeSources(tree *FleetTree) []source {
	out := make([]source, 0, len(tree.Files))
	for _, f := range tree.Files {
		fp := f.Path
		out = append(out, source{display: f.Path, rel: f.Rel, name: f.Name, read: func() ([]byte, error) { return readNodeFile(fp) }})
	}
	return out
}

// maxNodeFile bounds what one node file may hold: real deployment.toml
// files are a few kilobytes, and a runaway file must not exhaust memory.
const maxNodeFile = 64 << 20

// ReadNodeFile reads a node file (or the fleet config) the way Load does:
// only a regular file of sane size, never blocking on a FIFO.
func ReadNodeFile(p string) ([]byte, error) { return readNodeFile(p) }

// readNodeFile reads a node file, refusing anything but a regular file of
// sane size. The checks are made on the opened file, never on the name
// before opening it: a FIFO renamed over the file in between would block
// the read forever. Opening with O_NONBLOCK never waits for a FIFO's
// writer; for a regular file it changes nothing.
func readNodeFile(p string) ([]byte, error) {
	return readRegularFile(p, maxNodeFile, "a node file")
}

// build parses every source in parallel and assembles the fleet.
func build(root string, srcs []source, cfg *Config, cfgDiag []Finding, opts LoadOptions) (*Fleet, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	var kept []source
	for _, s := range srcs {
		if !cfg.Excludes(s.rel, s.name) {
			kept = append(kept, s)
		}
	}
	nodes, err := parseAll(kept, cfg, opts.Resolve, func(s source) string { return s.name })
	if err != nil {
		return nil, err
	}
	f := &Fleet{Root: root, Nodes: nodes, Config: cfg, Diagnostics: cfgDiag}
	f.assemble()
	return f, nil
}

// assemble orders and indexes the nodes and builds the address book.
func (f *Fleet) assemble() {
	f.uniqueNames()
	sortNodes(f.Nodes)
	f.byName = make(map[string]*Node, len(f.Nodes))
	for _, n := range f.Nodes {
		f.byName[n.Name] = n
	}
	f.Book = NewAddressBook(f)
}

// uniqueNames suffixes names that two files share (two paths given on the
// command line with the same directory names).
func (f *Fleet) uniqueNames() {
	seen := map[string]int{}
	for _, n := range f.Nodes {
		seen[n.Name]++
	}
	count := map[string]int{}
	for _, n := range f.Nodes {
		if seen[n.Name] > 1 {
			count[n.Name]++
			if count[n.Name] > 1 {
				n.Name = n.Name + "#" + strconv.Itoa(count[n.Name])
			}
		}
	}
}

// NewNode parses one node file and resolves what can be known about it on
// its own: keys, placeholders, role, offset and own addresses. Bad TOML
// gives a node with a syntax diagnostic, never an error.
func NewNode(name, file string, src []byte, cfg *Config, ropts ResolveOptions) *Node {
	return newNode(name, file, src, cfg, ropts, nil)
}

func newNode(name, file string, src []byte, cfg *Config, ropts ResolveOptions, scratch *tomldoc.Scratch) *Node {
	n := &Node{Name: name, File: file, Rel: file, Src: src}
	doc := tomldoc.Parse(file, src, scratch)
	n.Keys, n.Tables, n.Comments = doc.Keys, doc.Tables, doc.Comments
	n.index()
	if doc.Err != nil {
		n.SyntaxError = doc.Err
		n.Diagnostics = append(n.Diagnostics, Finding{
			Rule: RuleTOMLSyntax, Severity: SeverityError, Node: name, File: file,
			Line: doc.Err.Pos.Line, Column: doc.Err.Pos.Column, Message: doc.Err.Message,
		})
	}
	nc, _ := cfg.NodeConfigFor(name)
	n.Offset = 0
	if v := n.Value("server.offset"); v != nil {
		if off, ok := offsetOf(n, v); ok {
			n.Offset = off
		}
	}
	if nc.Offset != nil {
		n.Offset = *nc.Offset
	}
	resolveNode(n, ropts)
	n.ports = movedPorts(n)
	for _, k := range n.Keys {
		k.MemoSecret()
	}
	decideRole(n, cfg)
	n.ownAddresses(nc)
	n.refs = n.endpointRefs()
	n.secrets = nodeSecrets(n)
	if propagateSecrets(n) {
		n.secrets = nodeSecrets(n)
	}
	return n
}

func offsetOf(n *Node, v *Value) (int, bool) {
	if v.Kind == KindString && strings.Contains(v.Str(), "$ref{") {
		// Resolve the offset alone, silently: full resolution (which needs
		// the offset for ${} ports) reports problems once, later.
		placeholder.Peek(placeholder.File{Keys: n.Keys, Get: n.Get}, n.Get("server.offset"))
	}
	i, ok := v.Int64()
	if !ok && v.Kind == KindString && strings.IndexByte(v.Str(), '$') < 0 {
		i, ok = parseIntLoose(v.Str())
	}
	return int(i), ok && i >= 0 && i < 65535
}

func parseIntLoose(s string) (int64, bool) {
	i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return i, err == nil
}

func (n *Node) ownAddresses(nc NodeConfig) {
	base := path.Base(n.Name)
	n.addAddress(base, SourceDirName)
	// A node kept as host/wso2am-acp-4.6.0/repository/conf is named by its
	// pack, which every node of the role shares: the host is the
	// directory above it.
	if wso2.IsPackDir(base) {
		if parent := path.Base(path.Dir(n.Name)); parent != "." && parent != "/" && !wso2.IsPackDir(parent) {
			n.addAddress(parent, SourceDirName)
		}
	}
	if h, ok := n.String("server.hostname"); ok && h != "" && !IsLoopback(h) && !HasPlaceholder(h) && !derivedFromSecret(n, n.Get("server.hostname")) {
		n.addAddress(h, "[server] hostname")
	}
	if ip, ok := n.String("server.node_ip"); ok && ip != "" && !IsLoopback(ip) && !HasPlaceholder(ip) && !derivedFromSecret(n, n.Get("server.node_ip")) {
		n.addAddress(ip, "[server] node_ip")
	}
	for _, a := range nc.Addresses {
		n.addAddress(a, ConfigFileName)
	}
}

// SortedAddresses returns the node's address hosts sorted.
func (n *Node) SortedAddresses() []string {
	out := make([]string, 0, len(n.Addresses))
	for _, a := range n.Addresses {
		out = append(out, a.Host)
	}
	sort.Strings(out)
	return out
}

// LoadFiles loads a fleet from file contents in memory, keyed by their
// slash paths below root (e.g. "gw-1/deployment.toml"); a key named
// .apimlint.toml is the fleet config. Useful to lint files that are not
// on disk, and to re-lint without reading files again.
func LoadFiles(root string, files map[string][]byte, opts LoadOptions) (*Fleet, error) {
	srcs := make([]source, 0, len(files))
	cfg := opts.Config
	var diag []Finding
	for rel, data := range files {
		if path.Base(rel) == ConfigFileName {
			if cfg == nil && path.Dir(rel) == "." {
				cfg, diag = ParseConfig(path.Join(root, rel), data)
			}
			continue
		}
		d := data
		srcs = append(srcs, source{display: path.Join(root, rel), rel: rel, name: wso2.NodeName(root, rel),
			read: func() ([]byte, error) { return d, nil }})
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].rel < srcs[j].rel })
	return build(root, srcs, cfg, diag, opts)
}

// parseAll reads and parses node files in parallel, one parser per
// worker; name says what each node is called. Nodes keep the sources'
// order.
// scratches keeps loaders' scratch (parser arena, path interner) from one
// load to the next: an estate loads hundreds of small fleets, and a fresh
// interner for each re-made every path of every fleet.
var scratches = sync.Pool{New: func() any { return tomldoc.NewScratch() }}

// inParallel hands the indexes 0…n-1 to up to GOMAXPROCS goroutines, each
// running worker over the indexes it receives (its own state, such as a
// parser's scratch, lives in worker), and returns when all are done.
func inParallel(n int, worker func(work <-chan int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Go(func() { worker(work) })
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}

func parseAll(srcs []source, cfg *Config, ropts ResolveOptions, name func(source) string) ([]*Node, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	nodes := make([]*Node, len(srcs))
	errs := make([]error, len(srcs))
	inParallel(len(srcs), func(work <-chan int) {
		scratch := scratches.Get().(*tomldoc.Scratch)
		defer scratches.Put(scratch)
		for i := range work {
			data, err := srcs[i].read()
			if err != nil {
				errs[i] = fmt.Errorf("load %s: %w", srcs[i].display, err)
				continue
			}
			nodes[i] = newNode(name(srcs[i]), srcs[i].display, data, cfg, ropts, scratch)
			nodes[i].Rel = srcs[i].rel
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return nodes, nil
}

// walkFS lists the regular files below dir in fsys whose path want
// accepts, skipping hidden directories as Load does.
func walkFS(fsys fs.FS, dir string, want func(p string) bool) ([]string, error) {
	var out []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("load %s: %w", p, err)
		}
		if d.IsDir() {
			if p != dir && skipDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && want(p) {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

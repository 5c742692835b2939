// Package helmchart renders Helm charts in-process (what `helm template`
// does, with no cluster and no network) and loads the rendered manifests
// as one fleet through lint's manifest loader, the path `helm template … |
// apimlint lint -` takes. The helm-apim charts install each WSO2 component
// as its own release; Load renders one release per chart.
//
// Findings point where the chart says a line was written: a line of the
// rendered output that appears verbatim in the template (or in a file the
// template reads with .Files.Get, such as confs/deployment.toml) is mapped
// to that file's line and column; a line that templating changed is mapped
// to its source line when the lines around it pin it down; a line written
// once in a values file (a TOML kept in values) to that line. Anything
// else stays at the rendered output, named "CHART/templates/x.yaml
// (rendered, release NAME)" with the line of Helm's rendering of that
// template.
package helmchart

import (
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/strvals"

	"github.com/apimlint/apimlint/helmchart/internal/helmrender"
	"github.com/apimlint/apimlint/lint"
)

// valuesFileName is a chart's values file (Helm's chartutil.ValuesfileName).
const valuesFileName = "values.yaml"

// Chart is one release of a chart to render: the arguments of
// `helm template RELEASE DIR -n NAMESPACE -f FILE… --set K=V…`.
type Chart struct {
	// Dir is the chart: a directory or a packaged .tgz.
	Dir string
	// Release is the release name; the chart's name when empty.
	Release string
	// Namespace is the release namespace (.Release.Namespace, and that of
	// rendered objects naming none); "default" when empty.
	Namespace string
	// ValueFiles are values files merged over the chart's values.yaml,
	// later files winning (-f, --values).
	ValueFiles []string
	// Set are k=v overrides in strvals syntax (--set), applied after the
	// files in order.
	Set []string
}

// Rendered is a chart rendered in-process.
type Rendered struct {
	// Chart is what was rendered, Release and Namespace filled in.
	Chart Chart
	// Name is the chart's name from Chart.yaml.
	Name string
	// Manifests are the rendered templates, one stream each, in the
	// order of their names; each maps its lines back to the chart.
	Manifests []lint.ManifestSource
}

// Render renders a chart as `helm template` does (with Helm's engine, as
// package helmrender copies it): values.yaml, then the value files, then
// the --set overrides; subchart conditions and import values; the default
// capabilities. Values are not checked against values.schema.json. Templates that call lookup see no
// cluster (lookup returns nothing); getHostByName is off. The standard
// logger is silent while Helm merges values and renders (see quietLog).
func Render(c Chart) (*Rendered, error) {
	chrt, err := loader.Load(c.Dir)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", c.Dir, err)
	}
	if err := checkDependencies(chrt); err != nil {
		return nil, fmt.Errorf("load chart %s: %w", c.Dir, err)
	}
	if c.Release == "" {
		c.Release = chrt.Name()
	}
	if c.Namespace == "" {
		c.Namespace = "default"
	}
	if err := helmrender.ValidateReleaseName(c.Release); err != nil {
		return nil, fmt.Errorf("chart %s: release name %q: %w", c.Dir, c.Release, err)
	}
	vals, err := userValues(c)
	if err != nil {
		return nil, err
	}
	defer quietLog()()
	if err := helmrender.ProcessDependenciesWithMerge(chrt, vals); err != nil {
		return nil, fmt.Errorf("chart %s: %w", c.Dir, err)
	}
	top, err := helmrender.ToRenderValues(chrt, vals, helmrender.ReleaseOptions{
		Name: c.Release, Namespace: c.Namespace, Revision: 1, IsInstall: true,
	}, helmrender.DefaultCapabilities)
	if err != nil {
		return nil, fmt.Errorf("chart %s: values: %w", c.Dir, err)
	}
	out, err := helmrender.Engine{}.Render(chrt, top)
	if err != nil {
		return nil, fmt.Errorf("render chart %s: %w", c.Dir, err)
	}
	r := &Rendered{Chart: c, Name: chrt.Name()}
	files := chartFiles(chrt, c.Dir)
	values := valueSources(chrt, c)
	for _, key := range slices.Sorted(maps.Keys(out)) {
		text := out[key]
		if strings.HasPrefix(path.Base(key), "_") || strings.HasSuffix(key, "NOTES.txt") || strings.TrimSpace(text) == "" {
			continue // what helm template leaves out of its output
		}
		display := displayPath(c.Dir, chrt.Name(), key)
		r.Manifests = append(r.Manifests, lint.ManifestSource{
			File:      display + " (rendered, release " + c.Release + ")",
			Data:      []byte(text),
			Namespace: c.Namespace,
			Origin:    mapLines(text, files.sourcesFor(key), values),
		})
	}
	return r, nil
}

// Load renders every chart (one release each) and loads the rendered
// manifests as one fleet, together with paths as lint.LoadPaths takes
// them (manifests, "-" read from stdin, deployment.toml folders); stdin
// may be nil when no path is "-". Without paths, the fleet config is
// ./.apimlint.toml when present (or opts.ConfigFile, opts.Config).
func Load(charts []Chart, paths []string, stdin io.Reader, opts lint.LoadOptions) (*lint.Fleet, error) {
	if len(charts) == 0 {
		return nil, fmt.Errorf("no chart given")
	}
	if stdin == nil {
		if slices.Contains(paths, "-") {
			return nil, fmt.Errorf("- among the paths, but no standard input given")
		}
		stdin = strings.NewReader("")
	}
	seen := map[string]string{}
	for _, c := range charts {
		r, err := Render(c)
		if err != nil {
			return nil, err
		}
		id := r.Chart.Namespace + "/" + r.Chart.Release
		if prev, ok := seen[id]; ok {
			return nil, fmt.Errorf("charts %s and %s are both release %q in namespace %s: give each its own release name", prev, c.Dir, r.Chart.Release, r.Chart.Namespace)
		}
		seen[id] = c.Dir
		opts.Manifests = append(opts.Manifests, r.Manifests...)
	}
	return lint.LoadPaths(paths, stdin, opts)
}

// logMu serializes quietLog's swaps of the standard logger's output.
var logMu sync.Mutex

// quietLog silences the standard logger until the returned function is
// called: Helm's value merging logs warnings with the values themselves
// ("cannot overwrite table with non table for wso2.admin (map[…])"),
// which may be passwords, and apimlint never prints one.
func quietLog() (restore func()) {
	logMu.Lock()
	w := log.Writer()
	log.SetOutput(io.Discard)
	return func() {
		log.SetOutput(w)
		logMu.Unlock()
	}
}

// userValues merges the value files and --set overrides as helm does.
func userValues(c Chart) (map[string]any, error) {
	base := map[string]any{}
	for _, f := range c.ValueFiles {
		v, err := helmrender.ReadValuesFile(f)
		if err != nil {
			return nil, fmt.Errorf("chart %s: values file %s: %w", c.Dir, f, err)
		}
		base = mergeMaps(base, v)
	}
	for _, s := range c.Set {
		if err := strvals.ParseInto(s, base); err != nil {
			// The value may be a password, and the parser's message quotes
			// pieces of it (what follows a comma is taken for another key):
			// the key only, and a fixed text.
			key, _, _ := strings.Cut(s, "=")
			return nil, fmt.Errorf("chart %s: --set %s=…: cannot parse it as Helm's --set (a comma in a value is written \\,)", c.Dir, key)
		}
	}
	return base, nil
}

// mergeMaps merges b over a, recursing into tables present in both (the
// merge helm applies between value files).
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	maps.Copy(out, a)
	for k, v := range b {
		if vm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(am, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// checkDependencies fails as helm template does when Chart.yaml names a
// dependency that charts/ lacks (helm dependency build was not run).
func checkDependencies(c *chart.Chart) error {
	var missing []string
	for _, req := range c.Metadata.Dependencies {
		if !slices.ContainsFunc(c.Dependencies(), func(d *chart.Chart) bool { return d.Name() == req.Name }) {
			missing = append(missing, req.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("dependencies of Chart.yaml missing in charts/ (run helm dependency build): %s", strings.Join(missing, ", "))
	}
	return nil
}

// displayPath turns a rendered template's key (CHARTNAME/templates/x.yaml,
// CHARTNAME/charts/SUB/templates/y.yaml) into a path below the chart as
// the user named it.
func displayPath(dir, name, key string) string {
	rel := strings.TrimPrefix(key, name+"/")
	return filepath.Join(dir, filepath.FromSlash(rel))
}

// chartSources are a chart's (and its subcharts') templates and files as
// lines to look rendered lines up in, by key (CHARTNAME/…).
type chartSources struct {
	byKey map[string]*sourceFile
	// files are, per chart path (CHARTNAME, CHARTNAME/charts/SUB), that
	// chart's partial templates and other text files, in name order.
	others map[string][]*sourceFile
}

// maxSourceBytes bounds a chart file looked up for line origins: a large
// file (a bundled keystore, a dashboard) is no template of a TOML.
const maxSourceBytes = 1 << 20

func chartFiles(root *chart.Chart, dir string) *chartSources {
	cs := &chartSources{byKey: map[string]*sourceFile{}, others: map[string][]*sourceFile{}}
	var walk func(c *chart.Chart)
	walk = func(c *chart.Chart) {
		base := c.ChartFullPath()
		add := func(f *chart.File, template bool) {
			if len(f.Data) > maxSourceBytes || !utf8.Valid(f.Data) {
				return
			}
			key := base + "/" + f.Name
			s := newSourceFile(displayPath(dir, root.Name(), key), string(f.Data))
			cs.byKey[key] = s
			if (!template && !isDoc(f.Name)) || strings.HasPrefix(path.Base(f.Name), "_") {
				cs.others[base] = append(cs.others[base], s)
			}
		}
		for _, f := range c.Templates {
			add(f, true)
		}
		for _, f := range c.Files {
			add(f, false)
		}
		for _, d := range c.Dependencies() {
			walk(d)
		}
	}
	walk(root)
	return cs
}

// isDoc reports whether a chart file is documentation: its example
// lines are no source of rendered ones.
func isDoc(name string) bool {
	base := strings.ToUpper(path.Base(name))
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".txt", ".rst", ".adoc":
		return true
	}
	for _, p := range []string{"README", "LICENSE", "CHANGELOG", "NOTES"} {
		if strings.HasPrefix(base, p) {
			return true
		}
	}
	return false
}

// valueSources are the values files, the one that wins first: the -f
// files from the last, then the chart's values.yaml.
func valueSources(chrt *chart.Chart, c Chart) []*sourceFile {
	var out []*sourceFile
	for i := len(c.ValueFiles) - 1; i >= 0; i-- {
		if data, err := os.ReadFile(c.ValueFiles[i]); err == nil && len(data) <= maxSourceBytes && utf8.Valid(data) {
			out = append(out, newSourceFile(c.ValueFiles[i], string(data)))
		}
	}
	for _, f := range chrt.Raw {
		if f.Name == valuesFileName && len(f.Data) <= maxSourceBytes && utf8.Valid(f.Data) {
			out = append(out, newSourceFile(displayPath(c.Dir, chrt.Name(), chrt.Name()+"/"+f.Name), string(f.Data)))
		}
	}
	return out
}

var filesGetRE = regexp.MustCompile(`Files\.Get\s+"([^"]+)"`)

// sourcesFor returns where the lines of a rendered template may come from,
// most likely first: the template itself, the files it reads with
// .Files.Get, then its chart's partials and other files.
func (cs *chartSources) sourcesFor(key string) []*sourceFile {
	tmpl := cs.byKey[key]
	if tmpl == nil {
		return nil
	}
	chartPath := key[:strings.LastIndex(key, "/templates/")]
	out := []*sourceFile{tmpl}
	for _, m := range filesGetRE.FindAllStringSubmatch(tmpl.text, -1) {
		if s := cs.byKey[chartPath+"/"+path.Clean(m[1])]; s != nil && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, s := range cs.others[chartPath] {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

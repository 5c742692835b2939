package helmrender

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/strvals"
)

// TestSameAsHelm renders charts with this package and with Helm's own
// engine and value handling, and requires the same output and the same
// errors: the copy must not drift from Helm, including when Helm in
// go.mod is upgraded (run go generate then).
func TestSameAsHelm(t *testing.T) {
	charts := []string{
		filepath.Join("testdata", "everything"),
		filepath.Join("..", "..", "..", "testdata", "k8s", "helm", "wso2am-acp"),
		filepath.Join("..", "..", "..", "testdata", "k8s", "helm", "wso2am-gw"),
	}
	sets := map[string][]string{
		"defaults":        nil,
		"nulls":           {"removeMe=null", "nested.drop=null"},
		"db off":          {"db.enabled=false"},
		"tag off":         {"tags.backend=false"},
		"no replicas":     {"replicas=0"},
		"required":        {"image.repository="},
		"fail":            {"doFail=true"},
		"global override": {"global.domain=corp.internal", "db.global.labels.team=db"},
		"import override": {"fromDB.url=jdbc:oracle:thin:@db:1521/apim"},
	}
	for _, dir := range charts {
		for name, set := range sets {
			t.Run(filepath.Base(dir)+"/"+name, func(t *testing.T) {
				vals := map[string]any{}
				for _, s := range set {
					if err := strvals.ParseInto(s, vals); err != nil {
						t.Fatal(err)
					}
				}
				want, wantErr := renderWithHelm(t, dir, vals)
				got, gotErr := renderWithCopy(t, dir, vals)
				if errText(gotErr) != errText(wantErr) {
					t.Fatalf("error: got %q, Helm %q", errText(gotErr), errText(wantErr))
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("output differs from Helm's (-Helm +helmrender):\n%s", d)
				}
				if failing := name == "required" || name == "fail"; filepath.Base(dir) == "everything" && failing != (wantErr != nil) {
					t.Fatalf("Helm's error %q: the case does not test what it says", errText(wantErr))
				}
				if wantErr == nil && len(want) == 0 {
					t.Fatal("Helm rendered nothing: the comparison proves nothing")
				}
			})
		}
	}
}

func TestDefaultCapabilitiesAreHelms(t *testing.T) {
	h := chartutil.DefaultCapabilities
	if d := cmp.Diff([]string(h.APIVersions), []string(DefaultCapabilities.APIVersions)); d != "" {
		t.Errorf("API versions differ from Helm's (go generate ./helmchart/...): %s", d)
	}
	if h.KubeVersion.Version != DefaultCapabilities.KubeVersion.Version {
		t.Errorf("kube version %s, Helm %s", DefaultCapabilities.KubeVersion.Version, h.KubeVersion.Version)
	}
	if h.HelmVersion.Version != DefaultCapabilities.HelmVersion.Version || h.HelmVersion.GoVersion != DefaultCapabilities.HelmVersion.GoVersion {
		t.Errorf("helm version %+v, Helm %+v", DefaultCapabilities.HelmVersion, h.HelmVersion)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func renderWithHelm(t *testing.T, dir string, vals map[string]any) (map[string]string, error) {
	chrt, err := loader.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	vals = copyValuesForTest(t, vals)
	if err := chartutil.ProcessDependenciesWithMerge(chrt, vals); err != nil {
		return nil, err
	}
	top, err := chartutil.ToRenderValuesWithSchemaValidation(chrt, vals, chartutil.ReleaseOptions{
		Name: "rel", Namespace: "ns", Revision: 1, IsInstall: true,
	}, chartutil.DefaultCapabilities, true)
	if err != nil {
		return nil, err
	}
	return engine.Engine{}.Render(chrt, top)
}

func renderWithCopy(t *testing.T, dir string, vals map[string]any) (map[string]string, error) {
	chrt, err := loader.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	vals = copyValuesForTest(t, vals)
	if err := ProcessDependenciesWithMerge(chrt, vals); err != nil {
		return nil, err
	}
	top, err := ToRenderValues(chrt, vals, ReleaseOptions{
		Name: "rel", Namespace: "ns", Revision: 1, IsInstall: true,
	}, DefaultCapabilities)
	if err != nil {
		return nil, err
	}
	return Engine{}.Render(chrt, top)
}

func copyValuesForTest(t *testing.T, vals map[string]any) map[string]any {
	c, err := copyValues(vals)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTplErrorsKeepValuesSecret: a value given to tpl that does not render
// (a whole deployment.toml kept in values, say) is not quoted in the error,
// which Helm's does: it may hold passwords.
func TestTplErrorsKeepValuesSecret(t *testing.T) {
	const password = "S3cr3t-Adm1n-Pw"
	for name, text := range map[string]string{
		"parse":   "[super_admin]\npassword = \"" + password + "\"\nhost = \"{{ .Values.host \"\n",
		"execute": "[super_admin]\npassword = \"" + password + "\"\nhost = \"{{ index .Values.toml \"k\" }}\"\n",
	} {
		t.Run(name, func(t *testing.T) {
			chrt := &chart.Chart{
				Metadata:  &chart.Metadata{APIVersion: "v2", Name: "tplsecret", Version: "0.1.0"},
				Templates: []*chart.File{{Name: "templates/cm.yaml", Data: []byte("data: {{ tpl .Values.toml . | quote }}\n")}},
			}
			top, err := ToRenderValues(chrt, map[string]any{"toml": text}, ReleaseOptions{Name: "r", Namespace: "ns"}, DefaultCapabilities)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Engine{}.Render(chrt, top)
			if err == nil {
				t.Fatal("the broken value rendered")
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("the error quotes the value: %v", err)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%d characters", len(text))) {
				t.Errorf("the error does not say what it could not render: %v", err)
			}
		})
	}
}

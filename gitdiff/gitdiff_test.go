package gitdiff

import (
	"path/filepath"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

const sampleDiff = `diff --git a/gw-1/deployment.toml b/gw-1/deployment.toml
index 1111111..2222222 100644
--- a/gw-1/deployment.toml
+++ b/gw-1/deployment.toml
@@ -3,0 +4,2 @@ hostname = "gw-1"
+a = 1
+b = 2
@@ -10 +12 @@ [apim]
-x = 1
+x = 2
@@ -20,3 +22,0 @@ [y]
-c = 1
-d = 1
-e = 1
diff --git "a/odd \"name\"/deployment.toml" "b/odd \"name\"/deployment.toml"
--- "a/odd \"name\"/deployment.toml"
+++ "b/odd \"name\"/deployment.toml"
@@ -1 +1 @@
-q = 1
+q = 2
diff --git a/gone/deployment.toml b/gone/deployment.toml
deleted file mode 100644
--- a/gone/deployment.toml
+++ /dev/null
@@ -1 +0,0 @@
-z = 1
`

func TestParseDiff(t *testing.T) {
	root := t.TempDir()
	c := &Changes{Root: root, lines: map[string]map[int]bool{}, whole: map[string]bool{"new/deployment.toml": true}, relOf: map[string]string{}}
	if err := c.parseDiff([]byte(sampleDiff)); err != nil {
		t.Fatal(err)
	}
	gw := filepath.Join(root, "gw-1", "deployment.toml")
	for line, want := range map[int]bool{3: false, 4: true, 5: true, 6: false, 12: true, 13: false, 22: true, 23: true, 24: false} {
		if got := c.LineChanged(gw, line); got != want {
			t.Errorf("gw-1 line %d changed = %v, want %v", line, got, want)
		}
	}
	if !c.LineChanged(filepath.Join(root, `odd "name"`, "deployment.toml"), 1) {
		t.Error("quoted file name not parsed")
	}
	if !c.LineChanged(filepath.Join(root, "new", "deployment.toml"), 99) || c.FileChanged(filepath.Join(root, "same", "deployment.toml")) {
		t.Error("untracked or unchanged file misjudged")
	}
	if c.FileChanged(filepath.Join(filepath.Dir(root), "elsewhere.toml")) {
		t.Error("a file outside the work tree changed")
	}

	same := filepath.Join(root, "same", "deployment.toml")
	fs := []lint.Finding{
		{Rule: "on-changed-line", File: gw, Line: 12},
		{Rule: "old", File: gw, Line: 30},
		{Rule: "same-file-related", File: gw, Line: 30, Related: []lint.Related{{File: gw, Line: 31}}},
		{Rule: "peer-changed", File: same, Line: 1, Related: []lint.Related{{File: gw, Line: 40}}},
		{Rule: "nothing-changed", File: same, Line: 1, Related: []lint.Related{{File: filepath.Join(root, "other.toml")}}},
	}
	got, err := c.Filter().Process(nil, fs)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range got {
		ids = append(ids, f.Rule)
	}
	if len(ids) != 2 || ids[0] != "on-changed-line" || ids[1] != "peer-changed" {
		t.Errorf("kept %v, want on-changed-line and peer-changed", ids)
	}
}

func TestHunkHeader(t *testing.T) {
	for _, bad := range []string{"@@ -1 @@", "@@ -1 +x @@", "@@ -1 +1,y @@"} {
		if _, _, err := hunkNew(bad); err == nil {
			t.Errorf("hunkNew(%q) accepted it", bad)
		}
	}
}

package schema_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/schema"
	"github.com/apimlint/apimlint/wso2"
)

// seedBlock is one ```toml sample of the distributed-deployment guide with
// the role of the section it is in.
type seedBlock struct {
	file string
	line int
	role wso2.Role
	src  string
}

// seedBlocks extracts the TOML samples of the seed documents. The role of a
// sample is that of the "Configure the ... nodes" section it sits in.
func seedBlocks(t *testing.T) []seedBlock {
	t.Helper()
	dir := fleettest.SeedDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed documents in %s (%v)", dir, err)
	}
	var out []seedBlock
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var role wso2.Role
		var cur *seedBlock
		var indent string
		for i, line := range strings.Split(string(data), "\n") {
			trimmed := strings.TrimSpace(line)
			if cur != nil {
				if trimmed == "```" {
					out = append(out, *cur)
					cur = nil
					continue
				}
				cur.src += strings.TrimPrefix(line, indent) + "\n"
				continue
			}
			if strings.HasPrefix(trimmed, "#") && strings.Contains(trimmed, "Configure the") {
				switch {
				case strings.Contains(trimmed, "Gateway"):
					role = wso2.RoleGateway
				case strings.Contains(trimmed, "Control Plane"):
					role = wso2.RoleControlPlane
				case strings.Contains(trimmed, "Traffic Manager"):
					role = wso2.RoleTrafficManager
				case strings.Contains(trimmed, "Key Manager"):
					role = wso2.RoleKeyManager
				}
			}
			if trimmed == "```toml" {
				if role == "" {
					t.Fatalf("%s:%d: a TOML sample outside any \"Configure the ... nodes\" section", file, i+1)
				}
				indent = line[:strings.Index(line, "```")]
				cur = &seedBlock{file: filepath.Base(file), line: i + 2, role: role}
			}
		}
	}
	return out
}

// TestSeedKeysKnown: every key of every sample of WSO2's guide is known to
// the schema of the role the sample configures.
func TestSeedKeysKnown(t *testing.T) {
	s, err := schema.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	blocks := seedBlocks(t)
	roles := map[wso2.Role]int{}
	keys := 0
	for _, b := range blocks {
		name := fmt.Sprintf("%s:%d", b.file, b.line)
		n := lint.NewNode(name, name, []byte(b.src), &lint.Config{}, lint.ResolveOptions{})
		if n.SyntaxError != nil {
			t.Errorf("%s: sample is not valid TOML: %v", name, n.SyntaxError)
			continue
		}
		n.Role = b.role
		roles[b.role]++
		keys += len(n.Keys)
		for _, f := range s.Check(n) {
			switch f.Rule {
			case schema.RuleUnknownKey:
				t.Errorf("%s (%s sample, line %d of the block): %s", name, b.role, f.Line, f.Message)
			case schema.RuleType:
				t.Errorf("%s (%s sample, line %d of the block): unexpected type finding: %s", name, b.role, f.Line, f.Message)
			}
		}
	}
	if roles[wso2.RoleGateway] == 0 || roles[wso2.RoleControlPlane] == 0 || roles[wso2.RoleTrafficManager] == 0 {
		t.Errorf("samples by role %v: the guide configures gateways, control planes and traffic managers", roles)
	}
	t.Logf("%d samples, %d keys, by role %v", len(blocks), keys, roles)
}

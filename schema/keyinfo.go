package schema

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// TypeOf describes the type the hand-written schema of a role gives a key
// ("a boolean", "an integer", "one of …"), or "" where it says nothing:
// WSO2's catalogue knows which keys exist, not their types.
func (s *Schema) TypeOf(r lint.Role, path string) string {
	t := s.roles[r]
	if t == nil {
		return ""
	}
	for _, sg := range splitPath(strings.ReplaceAll(strings.ReplaceAll(path, "[]", ""), ".*", "")) {
		if t.free {
			return ""
		}
		if t.isList {
			t = t.elem
		}
		if !t.isStruct {
			return ""
		}
		var next *tnode
		if f := t.fields[sg.Name]; f != nil {
			next = f.node
		} else {
			next = t.pattern
		}
		if next == nil {
			return ""
		}
		t = next
	}
	if t.free || (t.isStruct && len(t.fields) == 0 && t.pattern == nil) {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return (&validator{s: s}).describeNode(t)
}

// VersionNote says, as a CUE comment, which WSO2 catalogue the schema of a
// role is closed over for a fleet config: the declared version, or every
// version when none is declared (nodes' versions are then inferred).
func VersionNote(cfg *lint.Config, r lint.Role) string {
	dist := catalog.DistForRole(string(r))
	vs := catalog.Versions()
	if r == lint.RoleKeyManager {
		return "// WSO2's key catalogue is not applied to key-manager nodes (they may be WSO2 Identity Server).\n"
	}
	if cfg != nil && cfg.Fleet.Version != "" {
		v := fleetversion.Normalize(cfg.Fleet.Version)
		if s := catalog.Get(v, dist); s != nil {
			return fmt.Sprintf("// Keys no template of WSO2 API Manager %s (%s) reads are unknown too ([fleet] version = %q; [[node]] version may override it per node).\n",
				s.Version, s.Dist, cfg.Fleet.Version)
		}
		return fmt.Sprintf("// [fleet] version = %q is not in WSO2's key catalogue (%s): keys are not checked against WSO2's templates.\n",
			cfg.Fleet.Version, strings.Join(vs, ", "))
	}
	return fmt.Sprintf("// No [fleet] version declared: each node's version is inferred (apimlint nodes shows it), and keys no template of any version %s–%s (%s distribution from 4.5.0) reads are unknown too.\n",
		vs[0], vs[len(vs)-1], dist)
}

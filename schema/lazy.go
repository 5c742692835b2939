package schema

import (
	"sync"
	"sync/atomic"
)

// lazyCUE is the CUE side of a schema decoded from builtin.tree: nothing
// until something needs CUE (Print, or a constraint the compiler left to
// CUE), then the schema compiled from the CUE sources, once. Linting
// without a policy never needs it.
type lazyCUE struct {
	srcs  func() []Source
	cueAt map[*constraint]cueLocator

	once sync.Once
	done atomic.Bool // once has run
	full *Schema     // compiled from srcs
	err  error
}

// schema returns the schema compiled from CUE, compiling it on first use.
func (l *lazyCUE) schema() (*Schema, error) {
	l.once.Do(func() {
		l.full, l.err = Compile(l.srcs())
		l.done.Store(true)
	})
	return l.full, l.err
}

// built reports whether CUE has been compiled yet.
func (l *lazyCUE) built() bool { return l.done.Load() }

// twin returns the CUE-compiled schema and its constraint at the place of
// a decoded cCUE constraint.
func (l *lazyCUE) twin(c *constraint) (*Schema, *constraint) {
	loc, ok := l.cueAt[c]
	if !ok {
		return nil, nil
	}
	full, err := l.schema()
	if err != nil {
		return nil, nil
	}
	return full, loc.resolve(full.roles)
}

// newBuiltin makes the built-in schema: decoded from builtin.tree when it
// was generated from the CUE sources this binary embeds, else compiled from
// them (slower, same result).
func newBuiltin() (*Schema, error) {
	srcs := BuiltinSources()
	d, err := decodeTree(builtinTree)
	if err != nil || d.sources != sourcesHash(srcs) {
		return Compile(srcs)
	}
	return fromTree(d, BuiltinSources), nil
}

func fromTree(d *decodedTree, srcs func() []Source) *Schema {
	s := &Schema{roles: d.roles, lazy: &lazyCUE{srcs: srcs, cueAt: d.cueAt}}
	for c := range d.cueAt {
		c.owner = s
	}
	return s
}

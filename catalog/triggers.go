package catalog

import "sync"

// trigger is one infer.json trigger key, split into segments ("*" for
// any name), with what each of its values infers.
type trigger struct {
	segs    []string
	byValue map[string]map[string]any
}

// triggerIndexes memoises, per set, its triggers by their last segment:
// a set has a few dozen, and a node's key can set off an inference only
// if its name is one of theirs.
var triggerIndexes sync.Map // *Set -> map[string][]trigger

func (s *Set) triggers() map[string][]trigger {
	if m, ok := triggerIndexes.Load(s); ok {
		return m.(map[string][]trigger)
	}
	m := map[string][]trigger{}
	for trig, byVal := range s.inferences() {
		segs := Segments(trig)
		if len(segs) > 0 {
			last := segs[len(segs)-1]
			m[last] = append(m[last], trigger{segs: segs, byValue: byVal})
		}
	}
	triggerIndexes.Store(s, m) // bounded: one entry per set
	return m
}

// MayInfer reports whether a key named name (the last segment of its
// path: "server_role", "type") can be an infer.json trigger in this set.
// Callers that ask about every key of many nodes skip the others.
func (s *Set) MayInfer(name string) bool { return len(s.triggers()[name]) > 0 }

// InferredBy is Inferred through the index of triggers by name: what
// infer.json sets when key has value (nil if nothing), at the cost of the
// few triggers that share the key's name.
func (s *Set) InferredBy(key, value string) map[string]any {
	segs := Segments(key)
	if len(segs) == 0 {
		return nil
	}
	for _, t := range s.triggers()[segs[len(segs)-1]] {
		if len(t.segs) != len(segs) {
			continue
		}
		ok := true
		for i := range t.segs {
			if t.segs[i] != "*" && t.segs[i] != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			if m := t.byValue[value]; m != nil {
				return bindCaptures(m, t.segs, segs)
			}
		}
	}
	return nil
}

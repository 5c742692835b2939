package main

import "io"

// redactingWriter passes every write through a fleet's Redact: a safety
// net for commands that print what they read from the fleet outside
// findings (nodes, init). Each write must be whole lines or a whole
// document, so that no secret is split across two writes.
type redactingWriter struct {
	w      io.Writer
	redact func(string) string
}

func (r redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, r.redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

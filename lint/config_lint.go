package lint

import "path/filepath"

// LintConfig holds settings of the lint command that belong with the fleet.
type LintConfig struct {
	// Accepted is an accepted-findings file (apimlint lint --accept),
	// relative to the config file: its findings are hidden.
	Accepted string `toml:"accepted"`
}

// AcceptedPath returns the accepted-findings file the config names,
// resolved against the config file's directory ("" when none).
func (c *Config) AcceptedPath() string {
	if c == nil || c.Lint.Accepted == "" {
		return ""
	}
	p := filepath.FromSlash(c.Lint.Accepted)
	if filepath.IsAbs(p) || c.File == "" {
		return p
	}
	return filepath.Join(filepath.Dir(c.File), p)
}

// Package tomldoc parses a deployment.toml into keys with canonical paths,
// values and positions (file, line, column), keeping comments and table
// headers, and stopping at the first syntax error with what came before
// it. It is the only package that touches go-toml's unstable parser API,
// which has no compatibility promise; package lint builds the node model
// on what it returns and re-exports its types.
package tomldoc

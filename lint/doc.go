// Package lint is apimlint's fleet model and engine.
//
// Loading (Load, LoadFS, LoadFiles, Loader) reads every node file of a
// fleet, parses it with positions (internal/tomldoc), resolves its
// placeholders (lint/placeholder), decides its role, offset and own
// addresses, and assembles the fleet: unique names, the AddressBook that
// maps hosts to nodes. Nodes are not changed after they are loaded; a
// fleet assembled again from the same nodes (watch) holds copies.
//
// The engine (Linter, Run) runs Rules over a fleet concurrently. A rule is
// a small value with an ID, a default severity and documentation; its Run
// reports through a Pass, which owns positions, and reads shared analyses
// (Rule.Requires, Pass.ResultOf: computed once per run). Findings then pass
// through one chain of Processors that every entry point shares (the CLI,
// watch, drift, probe and library users): severity overrides, inline and
// config suppressions (with unused-suppression reporting in their Finish
// step), the caller's processors, secret scrubbing and sorting.
//
// WSO2 facts (roles, ports, URL and JDBC parsing, secret policy, endpoint
// keys, node naming) live in package wso2; the names re-exported here keep
// rule code short.
package lint

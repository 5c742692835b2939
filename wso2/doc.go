// Package wso2 is apimlint's one home for facts about WSO2 API Manager
// that do not depend on a particular fleet: the roles a node can play and
// their aliases, the services each node offers and their default ports
// (before [server] offset), the placeholder syntax of WSO2's config mapper
// and the values it fills in, URLs and JDBC URLs as deployment.toml files
// write them (every database dialect WSO2 supports), the catalogue of keys
// whose values name other nodes, which keys hold secrets and which secrets
// WSO2 publishes as defaults, and how a node is named after its path.
//
// Every other package asks here rather than keeping its own copy: when a
// WSO2 release changes a fact, this is the package to change.
package wso2

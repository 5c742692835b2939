package main

// releaseVersion is set at link time for release builds (goreleaser and
// the Dockerfile pass -ldflags "-X main.releaseVersion=VERSION"); go
// install builds read the module version instead.
var releaseVersion string

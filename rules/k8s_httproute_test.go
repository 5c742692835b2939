package rules

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

// TestHTTPRouteHosts: a hostname of a Gateway API HTTPRoute in front of
// the gateway Service is a public name of the gateway nodes, so the
// environment URLs naming it are not unknown hosts; a hostname in no
// route or ingress (ws.apim.example.org: its route's backend is not a
// Service) still is.
func TestHTTPRouteHosts(t *testing.T) {
	f, err := lint.LoadPaths([]string{filepath.Join("..", "testdata", "k8s", "httproute", "rendered.yaml")}, strings.NewReader(""), lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := lint.Linter{Rules: All()}
	res, err := l.Run(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if max := lint.MaxSeverity(res.Findings); max >= lint.SeverityWarning {
		t.Errorf("max severity %s", max)
	}
	unknownWS := 0
	for _, fd := range res.Findings {
		if strings.Contains(fd.Message, "api.apim.example.org") {
			t.Errorf("a finding on the HTTPRoute's hostname: %s:%d: %s", fd.File, fd.Line, fd.Message)
		}
		if fd.Rule == "gateway-environment-urls" && strings.Contains(fd.Message, "wss://ws.apim.example.org") && strings.Contains(fd.Message, "ws.apim.example.org matches no node") {
			unknownWS++
			if fd.Line != 182 {
				t.Errorf("ws.apim.example.org reported at line %d, want 182", fd.Line)
			}
		}
	}
	if unknownWS != 1 {
		for _, fd := range res.Findings {
			t.Logf("%s:%d:%d: %s: %s (%s)", fd.File, fd.Line, fd.Column, fd.Severity, fd.Message, fd.Rule)
		}
		t.Errorf("%d unknown-host findings on ws.apim.example.org, want 1", unknownWS)
	}
}

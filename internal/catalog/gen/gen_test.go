package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/apimlint/apimlint/internal/catalog/wire"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// metadata is ../shared/wso2-metadata beside the repository root.
var metadata = filepath.Join("..", "..", "..", "..", "shared", "wso2-metadata")

func buildOrSkip(t *testing.T) *wire.File {
	t.Helper()
	if _, err := os.Stat(filepath.Join(metadata, "MANIFEST.tsv")); err != nil {
		t.Skipf("WSO2 metadata not found at %s (%v): the catalogue cannot be regenerated here", metadata, err)
	}
	f, err := build(metadata)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return f
}

func set(t *testing.T, f *wire.File, name string) map[string]wire.Key {
	t.Helper()
	for _, s := range f.Sets {
		if s.Version+"/"+s.Dist == name {
			keys, err := wire.DecodeKeys(s.Keys, f.Paths)
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]wire.Key{}
			for _, k := range keys {
				m[k.Path] = k
			}
			return m
		}
	}
	t.Fatalf("no set %s", name)
	return nil
}

func TestBuild(t *testing.T) {
	f := buildOrSkip(t)
	if len(f.Sets) != 17 {
		t.Errorf("%d sets, want 17 (4.0.0–4.4.0 all, 4.5.0–4.7.0 × 4 distributions)", len(f.Sets))
	}
	gw46 := set(t, f, "4.6.0/gateway")
	for path, from := range map[string]int{
		"apim.gateway.environment[].name":          wire.FromTemplate,
		"transport.http.properties.*":              wire.FromTemplate,
		"apim.event_hub.event_listening_endpoints": wire.FromTemplate,
		"database.*.hostname":                      wire.FromRef, // only $ref{}'d by the kernel infer.json
		"database.*.type":                          wire.FromInferTrigger,
		"server.server_role":                       wire.FromInferTrigger,
		"apim.cache.km_token.expiry_time":          wire.FromMapping,
	} {
		k, ok := gw46[path]
		if !ok {
			t.Errorf("4.6.0/gateway lacks %s", path)
			continue
		}
		if k.From&from == 0 {
			t.Errorf("%s: from %b, want bit %b", path, k.From, from)
		}
	}
	if k := gw46["apim.gateway.environment[].name"]; len(k.Reads) == 0 || f.Templates[k.Reads[0].T] == "" || k.Reads[0].L <= 0 {
		t.Errorf("apim.gateway.environment[].name: no template and line: %+v", k.Reads)
	}
	if _, ok := gw46["apim.event_hub.event_listening_endpoint"]; ok {
		t.Error("a misspelt key is in the catalogue")
	}
	if k := set(t, f, "4.0.0/all")["server.default_cache_timeout"]; k.Default != `"15"` {
		t.Errorf("server.default_cache_timeout default = %s, want \"15\"", k.Default)
	}
	// integration.transaction_counter became apim.transaction_counter in 4.4.
	if _, ok := set(t, f, "4.3.0/all")["integration.transaction_counter.enable"]; !ok {
		t.Error("4.3.0 lacks integration.transaction_counter.enable")
	}
	if _, ok := set(t, f, "4.4.0/all")["integration.transaction_counter.enable"]; ok {
		t.Error("4.4.0 still reads integration.transaction_counter.enable")
	}
	// Identity-framework keys stand in where it is missing, marked so.
	if k := set(t, f, "4.5.0/all-in-one-apim")["event_listener[].name"]; k.From&wire.FromProxy == 0 {
		t.Errorf("event_listener[].name in 4.5.0: from %b, want the proxy bit", k.From)
	}
}

// TestCommittedCatalogueIsFresh fails when catalog/catalog.bin is not
// what the generator makes from the metadata: run go generate ./catalog.
func TestCommittedCatalogueIsFresh(t *testing.T) {
	f := buildOrSkip(t)
	got, err := encode(f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "..", "catalog", "catalog.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("catalog/catalog.bin is stale: run go generate ./catalog")
	}
}

// TestBinaryHoldsTheWholeCatalogue: the binary form decodes to exactly
// what the generator built (the JSON form the catalogue once embedded).
func TestBinaryHoldsTheWholeCatalogue(t *testing.T) {
	f := buildOrSkip(t)
	data, err := encode(f)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := wire.DecodeBinary(string(data))
	if err != nil {
		t.Fatal(err)
	}
	got, err := tb.File()
	if err != nil {
		t.Fatal(err)
	}
	// EquateEmpty: a set without infer.json or mappings has an empty map
	// here and none in the file, as the JSON form's omitempty had it.
	if diff := cmp.Diff(f, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("decoded catalogue (-built +decoded):\n%s", diff)
	}
	wantJSON, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	gotJSON, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(wantJSON, gotJSON) {
		t.Error("the decoded catalogue's JSON form differs from the built one's")
	}
}

func TestDotted(t *testing.T) {
	for in, want := range map[string]string{
		"apim.key_manager.service_url":                     "apim.key_manager.service_url",
		"database.$1.type":                                 "database.*.type",
		"system.parameter.'org.wso2.CipherTransformation'": `system.parameter."org.wso2.CipherTransformation"`,
		"server.base_path,":                                `server."base_path,"`,
	} {
		if got := dotted(in); got != want {
			t.Errorf("dotted(%q) = %q, want %q", in, got, want)
		}
	}
}

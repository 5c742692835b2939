package wire

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestKeysRoundTrip(t *testing.T) {
	keys := []Key{
		{Path: "a.b", From: FromTemplate | FromDefault, Default: `"x\ty\n"`, Reads: []Read{{T: 0, L: 12}, {T: 3, L: 1}}},
		{Path: `server."base_path,"`, From: FromDefault, Default: `{"k":[1,2]}`},
		{Path: "transport.receiver.tcp_port", From: FromMapping, MapsTo: []string{"transport.thrift.receiver.tcpPort", "x,y"}},
		{Path: "apim.cache.tags.expiry_time", From: FromUnit, Unit: "time:s"},
	}
	paths := []string{"a.b", `server."base_path,"`, "transport.receiver.tcp_port", "apim.cache.tags.expiry_time"}
	idx := map[string]int{}
	for i, p := range paths {
		idx[p] = i
	}
	got, err := DecodeKeys(EncodeKeys(keys, idx), paths)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(keys, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"0\t1\n", "9\t1\t\t\t\t\n", "0\tx\t\t\t\t\n", "0\t1\t\t\t\t1:x\n"} {
		if _, err := DecodeKeys(bad, paths); err == nil {
			t.Errorf("DecodeKeys(%q): no error", bad)
		}
	}
}

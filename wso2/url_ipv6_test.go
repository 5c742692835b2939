package wso2

import "testing"

// Two spellings of one IPv6 address are one host; a URL writes it in
// brackets.
func TestIPv6HostsAreCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"2001:DB8:10:0:0:0:0:42": "2001:db8:10::42",
		" 2001:0db8:0010::0042 ": "2001:db8:10::42",
		"APIM-CP-1.Example.COM":  "apim-cp-1.example.com",
		"APIM-CP-1.Example.COM.": "apim-cp-1.example.com", // fully qualified
		"10.0.0.1":               "10.0.0.1",
		"not:an:address":         "not:an:address",
		"::ffff:10.0.0.1":        "::ffff:10.0.0.1",
	} {
		if got := CanonicalHost(in); got != want {
			t.Errorf("CanonicalHost(%q) = %q, want %q", in, got, want)
		}
	}
	ep, err := ParseEndpoint("ssl://[2001:DB8:10:0:0:0:0:42]:8672")
	if err != nil || ep.Host != "2001:db8:10::42" || ep.Port != 8672 {
		t.Errorf("ParseEndpoint: %+v, %v", ep, err)
	}
	for in, want := range map[string]string{"2001:db8::1": "[2001:db8::1]", "[2001:db8::1]": "[2001:db8::1]", "cp-1": "cp-1", "10.0.0.1": "10.0.0.1"} {
		if got := URLHost(in); got != want {
			t.Errorf("URLHost(%q) = %q, want %q", in, got, want)
		}
	}
}

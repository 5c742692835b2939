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

// A message's host:port keeps an IPv6 address in brackets: fd00::11:5672
// reads as the address fd00::11:5672 with no port.
func TestIPv6HostPort(t *testing.T) {
	for in, want := range map[string]string{
		"tcp://[fd00:10::11]:5672":  "[fd00:10::11]:5672",
		"tcp://10.0.0.1:5672":       "10.0.0.1:5672",
		"https://cp-1.example:9443": "cp-1.example:9443",
		"https://[fd00:10::11]/x":   "fd00:10::11 (default port 443)",
	} {
		ep, err := ParseEndpoint(in)
		if err != nil {
			t.Fatalf("ParseEndpoint(%q): %v", in, err)
		}
		if got := ep.HostPort(); got != want {
			t.Errorf("HostPort of %s = %q, want %q", in, got, want)
		}
	}
}

package wso2

import (
	"strconv"
	"strings"
)

// The two keys a node names its HA peers' brokers in.
const (
	EventHubDuplicateURL   = "apim.event_hub.event_duplicate_url"
	ThrottlingDuplicateURL = "apim.throttling.event_duplicate_url"
)

// TokenRevocationCopyKey returns the key whose URLs a control plane of
// API Manager version copies the token-revocation events it receives to,
// given which of the two keys its deployment.toml sets; "" when it copies
// them nowhere. An empty or unparsable version is taken as 4.3.0 or later.
//
// The copy is tokenRevocationJMSPublisher2
// (eventpublishers/tokenRevokeEventJMSPublisher_2.xml.j2), processing
// only when its template's condition holds, publishing to the brokers of
// a JNDI file:
//   - 4.0.0: on when [apim.throttling] event_duplicate_url is set; its
//     jndi2.properties lists those URLs. No template of 4.0.0 reads
//     [apim.event_hub] event_duplicate_url.
//   - 4.1.0 and 4.2.0: on when [apim.throttling] event_duplicate_url is set,
//     and only then; its jndi2-cp.properties (carbon-apimgt 9.20.74) lists
//     [apim.event_hub]'s URLs if set, elif [apim.throttling]'s. So
//     [apim.event_hub] event_duplicate_url alone leaves the copy off.
//   - 4.3.0 to 4.7.0: on when either is set; jndi2-cp.properties lists
//     [apim.event_hub]'s if set, elif [apim.throttling]'s.
func TokenRevocationCopyKey(version string, eventHubSet, throttlingSet bool) string {
	switch {
	case versionBefore(version, 4, 1):
		if throttlingSet {
			return ThrottlingDuplicateURL
		}
	case versionBefore(version, 4, 3):
		if throttlingSet && eventHubSet {
			return EventHubDuplicateURL
		}
		if throttlingSet {
			return ThrottlingDuplicateURL
		}
	default:
		if eventHubSet {
			return EventHubDuplicateURL
		}
		if throttlingSet {
			return ThrottlingDuplicateURL
		}
	}
	return ""
}

// EventHubDuplicateURLRead reports whether any template of version reads
// [apim.event_hub] event_duplicate_url (4.0.0 reads none).
func EventHubDuplicateURLRead(version string) bool { return !versionBefore(version, 4, 1) }

// versionBefore reports whether version ("4.2.0") is a 4.x release older
// than major.minor; false for versions it cannot read.
func versionBefore(version string, major, minor int) bool {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return ma < major || ma == major && mi < minor
}

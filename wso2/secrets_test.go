package wso2

import "testing"

// TestMisspeltSecretKeys: a key within edit distance 2 of a secret's
// name is a secret (issue 13, item 9); words merely close to "secret"
// are not.
func TestMisspeltSecretKeys(t *testing.T) {
	for _, p := range []string{
		"super_admin.pasword", "keystore.tls.key_pasword", "database.apim_db.passowrd", "apim.key_manager.passwrod",
		"truststore.pssword", "x.client_secrte", "x.passpharse", "x.credntials", "x.acess_tokne",
	} {
		if !IsSecretPath(p) {
			t.Errorf("IsSecretPath(%q) = false", p)
		}
	}
	for _, p := range []string{
		"transport.https.properties.secure", "apim.throttling.socket_timeout", "server.secured", "passthru_http.port",
		"apim.key_manager.enable_password_reset", "database.apim_db.pool_options.maxActive",
	} {
		if IsSecretPath(p) {
			t.Errorf("IsSecretPath(%q) = true", p)
		}
	}
	for _, p := range []string{"db.passwrod", "db.pasword", "x.secert", "x.credentail"} {
		if !IsSecretPath(p) {
			t.Errorf("IsSecretPath(%q) = false: a swap or a missing letter is one edit", p)
		}
	}
}

package lint

import (
	"slices"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/wso2"
)

func TestIsSecretPath(t *testing.T) {
	secret := []string{
		"super_admin.password",
		"keystore.tls.password",
		"keystore.tls.key_password",
		"keystore.primary.key_password",
		"truststore.password",
		"database.apim_db.password",
		"apim.event_hub.password",
		"apim.throttling.jms.password",
		"apim.throttling.event_publisher.receiver_password",
		"apim.workflow.wf_engine_pass",
		"apim.workflow.client_registration_password",
		"apim.analytics.auth_token",
		"apim.ai.token",
		"apim.ai.key",
		"apim.analytics.properties.moesifKey",
		"security_audit.api_token",
		"encryption.key",
		"secrets.admin_password",
		"secrets.anything",
		`apim.key_manager.configuration."client_secret"`,
		"oauth.client_secret",
		"user_store.connection_password",
		"user_store.properties.ConnectionPassword",
		"event_listener[0].properties.password",
		"apim.gateway.environment[2].password",
		"transport.http.proxy_profile[0].proxy_password",
		"multi_tenancy.stratos.manager_service.admin_password",
		"custom.private_key",
		"custom.aws_secret_key",
		"custom.db_pwd",
		"custom.encryption_key",
		"custom.jwt_signing_key",
	}
	notSecret := []string{
		"super_admin.username",
		"keystore.tls.file_name",
		"keystore.tls.alias",
		"keystore.userstore_password_encryption",
		"oauth.add_tenant_domain_to_access_token",
		"apim.oauth_config.enable_token_encryption",
		"apim.oauth_config.enable_token_hashing",
		"apim.cors.allow_credentials",
		"apim.workflow.token_endpoint",
		"oauth.token_validation.refresh_token_validity",
		"oauth.grant_type.password.enable",
		"oauth.multiple_client_secrets.enable",
		"user_store.properties.PasswordJavaRegEx",
		"runtime_secrets.enable",
		`event_listener[0].properties."header.X-WSO2-KEY-MANAGER"`,
		"apim.key_manager.service_url",
		"apim.event_hub.event_listening_endpoints",
		"server.hostname",
		"user_store.key",
	}
	for _, p := range secret {
		if !IsSecretPath(p) {
			t.Errorf("IsSecretPath(%q) = false, want true", p)
		}
	}
	for _, p := range notSecret {
		if IsSecretPath(p) {
			t.Errorf("IsSecretPath(%q) = true, want false", p)
		}
	}
}

func TestHasURLPassword(t *testing.T) {
	cases := map[string]bool{
		"amqp://admin:s3cr3t@clientID/carbon?brokerlist='tcp://localhost:5675'": true,
		"jdbc:mysql://db:3306/apim?user=a&password=b":                           true,
		"https://user:pw@host:9443/services/":                                   true,
		"tcp://apim-cp-1:5672":                                                  false,
		"https://user@host/":                                                    false,
		"jdbc:mysql://db:3306/apim?password=&x=1":                               false,
		"ssl://[::1]:8672":                                                      false,
		"":                                                                      false,
	}
	for in, want := range cases {
		if got := wso2.HasURLPassword(in); got != want {
			t.Errorf("wso2.HasURLPassword(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestKeyIsSecretByValue(t *testing.T) {
	n := node(t, `[transport.jms.listener]
'connectionfactory.TopicConnectionFactory' = "amqp://admin:Qz7-broker-pw@clientID/carbon?brokerlist='tcp://tm:5672'"
[custom]
alias_ref = "$secret{foo}"
plain = "hello"
[super_admin]
password = 12345678
[secrets]
foo = "[plain]"
`)
	k := n.Get(`transport.jms.listener."connectionfactory.TopicConnectionFactory"`)
	if k == nil {
		t.Fatal("key not found")
	}
	if !k.IsSecret() || strings.Contains(k.Show(), "Qz7") {
		t.Errorf("URL with a password: IsSecret %v, shown as %s", k.IsSecret(), k.Show())
	}
	if !n.Get("custom.alias_ref").IsSecret() {
		t.Error("a $secret{} value must be a secret")
	}
	if n.Get("custom.plain").IsSecret() {
		t.Error("custom.plain is no secret")
	}
	if s := n.Get("super_admin.password").Show(); strings.Contains(s, "12345678") {
		t.Errorf("integer password shown as %s", s)
	}
	vals := secretValues([]*Node{n})
	joined := strings.Join(vals, "\n")
	for _, want := range []string{"12345678", "[plain]"} {
		if !strings.Contains(joined, want) {
			t.Errorf("secretValues misses %q: %q", want, vals)
		}
	}
}

func TestScrubKeepsPublicDefaults(t *testing.T) {
	n := node(t, `[super_admin]
username = "admin"
password = "admin"
[keystore.tls]
file_name = "wso2carbon.jks"
password = "wso2carbon"
[database.apim_db]
password = "Xk4-db-secret"
`)
	secrets := secretValues([]*Node{n})
	msg := "user admin uses wso2carbon.jks; db password Xk4-db-secret"
	got := scrub(msg, secrets)
	if !strings.Contains(got, "user admin uses wso2carbon.jks") || strings.Contains(got, "Xk4") {
		t.Errorf("scrub = %q", got)
	}
}

func TestSecretsTravelThroughPlaceholders(t *testing.T) {
	n := NewNode("gw", "gw/deployment.toml", []byte(`[super_admin]
username = "admin"
password = "Adm1nPassGw"

[keystore.primary]
password = "Hunter2Sekret"
alias = "x$ref{keystore.primary.password}"
file_name = "k${admin.password}.jks"
`), nil, ResolveOptions{})
	for _, p := range []string{"keystore.primary.alias", "keystore.primary.file_name"} {
		k := n.Get(p)
		if !k.IsSecret() {
			t.Errorf("%s carries a secret through a placeholder but is not secret", p)
		}
		if s := k.Show(); strings.Contains(s, "Hunter2") || strings.Contains(s, "Adm1n") {
			t.Errorf("%s shown as %s", p, s)
		}
	}
	if !slices.Contains(n.secrets, "xHunter2Sekret") {
		t.Errorf("the alias that carries the password is not among the node's secrets: %d listed", len(n.secrets))
	}
	if got := scrub("alias xHunter2Sekret differs", n.secrets); strings.Contains(got, "Hunter2") {
		t.Errorf("a secret glued to other text survives the scrub: %s", got)
	}
	if got := scrub("gateway node has no table", []string{"gateway"}); got != "gateway node has no table" {
		t.Errorf("a plain-word password must not be blanked out of apimlint's own words: %s", got)
	}
}

func TestURLPasswords(t *testing.T) {
	for _, s := range []string{
		"https://admin:p#ssWord1@cp:9443/services/",
		"tcp://admin:Zz/Secret9@cp:5672",
		"admin:NoScheme5@tm:5672",
		"jdbc:mysql://dbuser:Db/Secret7@db:3306/x",
		"https://cp:9443/x?token=abc",
	} {
		if !wso2.HasURLPassword(s) {
			t.Errorf("%s: password not seen", s)
		}
		for _, secret := range []string{"p#ssWord1", "Zz/Secret9", "NoScheme5", "Db/Secret7"} {
			if strings.Contains(RedactURL(s), secret) {
				t.Errorf("RedactURL(%s) = %s", s, RedactURL(s))
			}
		}
		if e, err := ParseEndpoint(s); err != nil && strings.Contains(err.Error(), "Secret") || strings.Contains(e.Raw, "@") && strings.Contains(e.Host, "admin") {
			t.Errorf("ParseEndpoint(%s) = %+v, %v", s, e, err)
		}
	}
	if e, err := ParseEndpoint("https://admin:p#ssWord1@cp:9443/services/"); err != nil || e.Host != "cp" || e.Port != 9443 {
		t.Errorf("user info with '#': %+v %v", e, err)
	}
	for _, s := range []string{"tcp://cp-1:5672", "user@example.com", "https://cp/x?name=value"} {
		if wso2.HasURLPassword(s) {
			t.Errorf("%s: no password in it", s)
		}
	}
}

func TestSecretTables(t *testing.T) {
	for p, want := range map[string]bool{
		"a.password[0].v":                      true,
		"a.credentials.value":                  true,
		"oauth.grant_type.password.enable":     false,
		"apim.cache.gateway_token.enable":      false,
		"apim.cache.gateway_token.expiry_time": false,
		"x.hmac_key":                           true,
	} {
		if got := IsSecretPath(p); got != want {
			t.Errorf("IsSecretPath(%q) = %v, want %v", p, got, want)
		}
	}
}

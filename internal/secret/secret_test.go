package secret

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMaskCredentialsMasksEveryValueKeepingTheStructure(t *testing.T) {
	credentials := map[string]any{
		"username": "admin", "password": "s3cr3t", "port": float64(5432), "tls": true, "none": nil,
		"uri":  "postgres://admin:s3cr3t@db.example.com:5432/app",
		"auth": map[string]any{"bearer": "eyJ", "scopes": []any{"read", "write"}},
	}
	assert.Equal(t, map[string]any{
		"username": Masked, "password": Masked, "port": Masked, "tls": Masked, "none": nil,
		"uri":  Masked,
		"auth": map[string]any{"bearer": Masked, "scopes": []any{Masked, Masked}},
	}, MaskCredentials(credentials))
	assert.Nil(t, MaskCredentials(nil))
}

func TestMaskCredentialsLeavesTheOriginalAlone(t *testing.T) {
	credentials := map[string]any{"password": "s3cr3t", "nested": map[string]any{"uri": "https://u:p@h"}}
	MaskCredentials(credentials)
	assert.Equal(t, "s3cr3t", credentials["password"])
	assert.Equal(t, "https://u:p@h", credentials["nested"].(map[string]any)["uri"])
}

func TestMask(t *testing.T) {
	tests := map[string]struct{ value, want any }{
		"credentials anywhere are masked whole": {
			value: map[string]any{"binding": map[string]any{"credentials": map[string]any{"host": "db", "port": float64(1)}}, "syslog_drain_url": "syslog://h"},
			want:  map[string]any{"binding": map[string]any{"credentials": map[string]any{"host": Masked, "port": Masked}}, "syslog_drain_url": "syslog://h"},
		},
		"secret keys whatever their spelling": {
			value: map[string]any{"db_password": "a", "clientSecret": "b", "api-key": "c", "access_token": "e", "private_key": "f", "PWD": "g", "pass": "h", "db_pass": "i", "userPw": "j"},
			want:  map[string]any{"db_password": Masked, "clientSecret": Masked, "api-key": Masked, "access_token": Masked, "private_key": Masked, "PWD": Masked, "pass": Masked, "db_pass": Masked, "userPw": Masked},
		},
		"words that only contain a secret word stay": {
			value: map[string]any{"passport": "p", "compass": "north", "author": "me", "bypass": "no"},
			want:  map[string]any{"passport": "p", "compass": "north", "author": "me", "bypass": "no"},
		},
		"nested auth.bearer": {
			value: map[string]any{"auth": map[string]any{"bearer": "eyJhbGciOi", "type": "oauth"}},
			want:  map[string]any{"auth": map[string]any{"bearer": Masked, "type": "oauth"}},
		},
		"non-string secret values": {
			value: map[string]any{"password": float64(1234), "token": nil},
			want:  map[string]any{"password": Masked, "token": Masked},
		},
		"secrets inside strings": {
			value: map[string]any{
				"uri":   "postgres://u:p@ss@db",
				"uri2":  "postgres://u:pa/ss@db:5432/app",
				"jdbc":  "jdbc:postgresql://db:5432/app?user=u&password=pw1&ssl=true",
				"ado":   "Server=db;User Id=u;Password=pw2;Encrypt=true",
				"dsn":   "user:pw3@tcp(db:3306)/app?parseTime=true",
				"json":  `{"user":"u","password":"pw4","nested":{"uri":"amqp://u:pw5@mq"}}`,
				"list":  []any{"redis://:pw6@r1:6379/0", "redis://r2:6379/0"},
				"plain": "db.example.com",
			},
			want: map[string]any{
				"uri":   "postgres://****@db",
				"uri2":  "postgres://****@db:5432/app",
				"jdbc":  "jdbc:postgresql://db:5432/app?user=u&password=****&ssl=true",
				"ado":   "Server=db;User Id=u;Password=****;Encrypt=true",
				"dsn":   "user:****@tcp(db:3306)/app?parseTime=true",
				"json":  `{"nested":{"uri":"amqp://****@mq"},"password":"****","user":"u"}`,
				"list":  []any{"redis://****@r1:6379/0", "redis://r2:6379/0"},
				"plain": "db.example.com",
			},
		},
		"plain values stay": {
			value: map[string]any{"host": "db.example.com", "tls": true, "endpoints": []any{"a", "b"}, "dashboard_url": "https://example.com/db?tls=true"},
			want:  map[string]any{"host": "db.example.com", "tls": true, "endpoints": []any{"a", "b"}, "dashboard_url": "https://example.com/db?tls=true"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, Mask(tc.value))
		})
	}
}

func TestMaskText(t *testing.T) {
	for text, want := range map[string]string{
		"postgres://u:p@ss@db":                          "postgres://****@db",
		"dial postgres://u:pa/ss@db failed":             "dial postgres://****@db failed",
		"mysql://user:p@ss/w#rd?@host:3306/db":          "mysql://****@host:3306/db",
		`"uri":"mysql:\/\/admin:p%40ss:word@db\/app"`:   `"uri":"mysql:\/\/****@db\/app"`,
		"two: amqps://a:1@q and https://b:2@h/x":        "two: amqps://****@q and https://****@h/x",
		"token as user: https://ghp_abc@host/path":      "token as user: https://****@host/path",
		"no user info: https://broker.example.com/v2/x": "no user info: https://broker.example.com/v2/x",
		"jdbc:mysql://db/app?user=u&password=x&a=b":     "jdbc:mysql://db/app?user=u&password=****&a=b",
		"Data Source=db;Password='a;b';Pooling=true":    "Data Source=db;Password='****';Pooling=true",
		"open u:p@ss@tcp(db:3306)/app: refused":         "open u:****@tcp(db:3306)/app: refused",
		`{"client_secret": "abc", "name": "x"}`:         `{"client_secret": "****", "name": "x"}`,
		"Authorization: Bearer eyJabc\nAccept: */*":     "Authorization: ****\nAccept: */*",
		"state: in progress, description: creating":     "state: in progress, description: creating",
	} {
		assert.Equal(t, want, MaskText(text), "%q", text)
	}
}

func TestMaskHeader(t *testing.T) {
	header := http.Header{
		"Authorization": {"Basic dTpw"}, "X-Api-Key": {"k"}, "Cookie": {"session=1"},
		"Location": {"https://u:p@broker/v2"}, "Content-Type": {"application/json"},
	}
	assert.Equal(t, http.Header{
		"Authorization": {Masked}, "X-Api-Key": {Masked}, "Cookie": {Masked},
		"Location": {"https://****@broker/v2"}, "Content-Type": {"application/json"},
	}, MaskHeader(header))
	assert.Equal(t, "Basic dTpw", header.Get("Authorization"), "the original stays")
}

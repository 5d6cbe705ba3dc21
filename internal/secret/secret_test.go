package secret

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMaskCredentials(t *testing.T) {
	tests := map[string]struct {
		credentials map[string]any
		want        map[string]any
	}{
		"password and URI user info": {
			credentials: map[string]any{"username": "admin", "password": "s3cr3t", "uri": "postgres://admin:s3cr3t@db.example.com:5432/app", "port": float64(5432)},
			want:        map[string]any{"username": "admin", "password": "****", "uri": "postgres://****@db.example.com:5432/app", "port": float64(5432)},
		},
		"secret keys whatever their spelling": {
			credentials: map[string]any{"db_password": "a", "clientSecret": "b", "api-key": "c", "apikey": "d", "access_token": "e", "private_key": "f", "PWD": "g"},
			want:        map[string]any{"db_password": "****", "clientSecret": "****", "api-key": "****", "apikey": "****", "access_token": "****", "private_key": "****", "PWD": "****"},
		},
		"non-string secret values": {
			credentials: map[string]any{"password": float64(1234), "token": nil},
			want:        map[string]any{"password": "****", "token": "****"},
		},
		"nested maps and lists": {
			credentials: map[string]any{"primary": map[string]any{"password": "x", "uri": "amqps://u:p@mq:5671"}, "replicas": []any{"redis://:pw@r1:6379/0", "redis://r2:6379/0"}},
			want:        map[string]any{"primary": map[string]any{"password": "****", "uri": "amqps://****@mq:5671"}, "replicas": []any{"redis://****@r1:6379/0", "redis://r2:6379/0"}},
		},
		"a password with unescaped delimiters": {
			credentials: map[string]any{"uri": "mysql://user:p@ss/w#rd?@host:3306/db"},
			want:        map[string]any{"uri": "mysql://****@host:3306/db"},
		},
		"an @ in the path masks too much rather than too little": {
			credentials: map[string]any{"dashboard": "https://example.com/users/@me"},
			want:        map[string]any{"dashboard": "https://****@me"},
		},
		"a URI without user info stays": {
			credentials: map[string]any{"dashboard": "https://example.com/db?tls=true"},
			want:        map[string]any{"dashboard": "https://example.com/db?tls=true"},
		},
		"plain values stay": {
			credentials: map[string]any{"host": "db.example.com", "tls": true, "endpoints": []any{"a", "b"}},
			want:        map[string]any{"host": "db.example.com", "tls": true, "endpoints": []any{"a", "b"}},
		},
		"no credentials": {credentials: nil, want: nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, MaskCredentials(tc.credentials))
		})
	}
}

func TestMaskCredentialsLeavesTheOriginalAlone(t *testing.T) {
	credentials := map[string]any{"password": "s3cr3t", "nested": map[string]any{"uri": "https://u:p@h"}}
	MaskCredentials(credentials)
	assert.Equal(t, "s3cr3t", credentials["password"])
	assert.Equal(t, "https://u:p@h", credentials["nested"].(map[string]any)["uri"])
}

package openservicebrokerv1

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
)

func TestOriginatingIdentityRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		platform string
		value    any
		want     map[string]any
	}{
		{
			name: "IBM Cloud", platform: PlatformIBMCloud, value: IBMCloudIdentity{IAMID: "IBMid-1234"},
			want: map[string]any{"iam_id": "IBMid-1234"},
		},
		{
			name: "Cloud Foundry", platform: PlatformCloudFoundry, value: &CloudFoundryIdentity{UserID: "683ea748-3092-4ff4-b656-39cacc4d5360"},
			want: map[string]any{"user_id": "683ea748-3092-4ff4-b656-39cacc4d5360"},
		},
		{
			name: "Kubernetes", platform: PlatformKubernetes,
			value: KubernetesIdentity{Username: "duke", UID: "c2dde242-5ce4-11e7-988c-000c2946f14f", Groups: []string{"admin", "dev"}, Extra: map[string][]string{"mydata": {"data", "other"}}},
			want: map[string]any{
				"username": "duke", "uid": "c2dde242-5ce4-11e7-988c-000c2946f14f",
				"groups": []any{"admin", "dev"}, "extra": map[string]any{"mydata": []any{"data", "other"}},
			},
		},
		{
			name: "Kubernetes without groups", platform: PlatformKubernetes, value: KubernetesIdentity{Username: "duke", UID: "1"},
			want: map[string]any{"username": "duke", "uid": "1"},
		},
		{
			name: "own platform and map", platform: "my-platform", value: map[string]any{"user": "u", "level": 3.0},
			want: map[string]any{"user": "u", "level": 3.0},
		},
		{
			name: "empty object", platform: "p", value: struct{}{},
			want: map[string]any{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header, err := NewOriginatingIdentity(tt.platform, tt.value)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(header, tt.platform+" "), header)

			platform, value, err := ParseOriginatingIdentity(header)

			require.NoError(t, err)
			assert.Equal(t, tt.platform, platform)
			assert.Equal(t, tt.want, value)
		})
	}
}

func TestNewOriginatingIdentityRejectsInvalidInput(t *testing.T) {
	tests := []struct {
		name     string
		platform string
		value    any
		message  string
	}{
		{name: "empty platform", platform: "", value: CloudFoundryIdentity{UserID: "u"}, message: "the platform is empty"},
		{name: "platform with a space", platform: "cloud foundry", value: CloudFoundryIdentity{UserID: "u"}, message: `platform "cloud foundry" must be one word`},
		{name: "platform with a tab", platform: "cloud\tfoundry", value: CloudFoundryIdentity{UserID: "u"}, message: "must be one word"},
		{name: "platform with a newline", platform: "cf\nX-Injected: 1", value: CloudFoundryIdentity{UserID: "u"}, message: "must be one word"},
		{name: "platform not ASCII", platform: "clöud", value: CloudFoundryIdentity{UserID: "u"}, message: "must be one word"},
		{name: "nil value", platform: "cloudfoundry", value: nil, message: "must encode to a JSON object, got <nil>"},
		{name: "nil map", platform: "cloudfoundry", value: map[string]string(nil), message: "must encode to a JSON object"},
		{name: "nil pointer", platform: "cloudfoundry", value: (*CloudFoundryIdentity)(nil), message: "must encode to a JSON object"},
		{name: "string", platform: "cloudfoundry", value: `{"user_id":"u"}`, message: "must encode to a JSON object, got string"},
		{name: "slice", platform: "cloudfoundry", value: []string{"u"}, message: "must encode to a JSON object, got []string"},
		{name: "number", platform: "cloudfoundry", value: 42, message: "must encode to a JSON object, got int"},
		{name: "not encodable", platform: "cloudfoundry", value: map[string]any{"f": func() {}}, message: "cannot be encoded as JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header, err := NewOriginatingIdentity(tt.platform, tt.value)

			assert.Empty(t, header)
			require.ErrorIs(t, err, ErrInvalidOriginatingIdentity)
			assert.Contains(t, err.Error(), tt.message)
		})
	}
}

func TestParseOriginatingIdentityReadsTheSpecificationExample(t *testing.T) {
	// The example of the OSB specification: base64 of an indented JSON object with CRLF line ends.
	platform, value, err := ParseOriginatingIdentity("cloudfoundry eyANCiAgInVzZXJfaWQiOiAiNjgzZWE3NDgtMzA5Mi00ZmY0LWI2NTYtMzljYWNjNGQ1MzYwIg0KfQ==")

	require.NoError(t, err)
	assert.Equal(t, "cloudfoundry", platform)
	assert.Equal(t, map[string]any{"user_id": "683ea748-3092-4ff4-b656-39cacc4d5360"}, value)
}

func TestParseOriginatingIdentityAcceptsUnpaddedBase64(t *testing.T) {
	header := "kubernetes " + base64.RawStdEncoding.EncodeToString([]byte(`{"username":"duke"}`))

	_, value, err := ParseOriginatingIdentity(header)

	require.NoError(t, err)
	assert.Equal(t, map[string]any{"username": "duke"}, value)
}

func TestParseOriginatingIdentityRejectsInvalidHeaders(t *testing.T) {
	encode := base64.StdEncoding.EncodeToString
	tests := []struct {
		name    string
		header  string
		message string
	}{
		{name: "empty", header: "", message: "no space in the header"},
		{name: "platform only", header: "cloudfoundry", message: "no space in the header"},
		{name: "platform not ASCII", header: "clöud " + encode([]byte(`{}`)), message: "must be one word"},
		{name: "not base64", header: "cloudfoundry not*base64", message: "is not base64"},
		{name: "JSON array", header: "cloudfoundry " + encode([]byte(`["u"]`)), message: "not a base64-encoded JSON object"},
		{name: "JSON null", header: "cloudfoundry " + encode([]byte(`null`)), message: "not a base64-encoded JSON object"},
		{name: "not JSON", header: "cloudfoundry " + encode([]byte(`user`)), message: "not a base64-encoded JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			platform, value, err := ParseOriginatingIdentity(tt.header)

			require.ErrorIs(t, err, ErrInvalidOriginatingIdentity)
			assert.Contains(t, err.Error(), tt.message)
			assert.Empty(t, platform)
			assert.Nil(t, value)
		})
	}
}

func TestNewRequestIdentityIsAFreshUUIDv4(t *testing.T) {
	var firstText, secondText [sdkruntime.IdentityLength]byte
	writeRequestIdentity(&firstText)
	writeRequestIdentity(&secondText)
	first, second := string(firstText[:]), string(secondText[:])

	parsed, err := uuid.Parse(first)
	require.NoError(t, err)
	assert.Equal(t, parsed.String(), first, "the canonical text form")
	assert.Equal(t, uuid.Version(4), parsed.Version())
	assert.Equal(t, uuid.RFC4122, parsed.Variant())
	assert.NotEqual(t, first, second)
}

func ExampleNewOriginatingIdentity() {
	header, err := NewOriginatingIdentity(PlatformCloudFoundry, CloudFoundryIdentity{UserID: "683ea748-3092-4ff4-b656-39cacc4d5360"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(HeaderOriginatingIdentity + ": " + header)

	_, err = NewOriginatingIdentity("cloud foundry", CloudFoundryIdentity{UserID: "u"})
	fmt.Println(err)
	// Output:
	// X-Broker-API-Originating-Identity: cloudfoundry eyJ1c2VyX2lkIjoiNjgzZWE3NDgtMzA5Mi00ZmY0LWI2NTYtMzljYWNjNGQ1MzYwIn0=
	// invalid originating identity: platform "cloud foundry" must be one word of visible ASCII characters, e.g. "cloudfoundry"
}

func ExampleParseOriginatingIdentity() {
	platform, value, err := ParseOriginatingIdentity("ibmcloud eyJpYW1faWQiOiJJQk1pZC0xMjM0In0=")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(platform, value["iam_id"])
	// Output: ibmcloud IBMid-1234
}

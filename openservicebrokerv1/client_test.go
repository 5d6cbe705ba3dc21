package openservicebrokerv1

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mockGetState sends the smallest request there is and returns the response.
func mockGetState(t *testing.T, client *OpenServiceBrokerV1, headers map[string]string) (*core.DetailedResponse, error) {
	t.Helper()
	_, response, err := client.GetServiceInstanceState(client.NewGetServiceInstanceStateOptions(mockInstanceID).SetHeaders(headers))
	return response, err
}

func TestSetBrokerAPIVersion_SendsTheVersion(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, `{}`)

	require.NoError(t, client.SetBrokerAPIVersion("2.14"))
	_, err := mockGetState(t, client, nil)

	require.NoError(t, err)
	assert.Equal(t, "2.14", client.GetBrokerAPIVersion())
	assert.Equal(t, []string{"2.14"}, broker.only().Header.Values(HeaderAPIVersion))
}

func TestSetBrokerAPIVersion_RejectsMalformedVersions(t *testing.T) {
	for _, version := range []string{"", "2", "v2.17", "2.17.1", "2.x", " 2.17", "2.17\n"} {
		t.Run(version, func(t *testing.T) {
			client, _ := newMockClient(t)

			err := client.SetBrokerAPIVersion(version)

			require.Error(t, err)
			assert.Contains(t, err.Error(), "major.minor")
			assert.Equal(t, DefaultBrokerAPIVersion, client.GetBrokerAPIVersion(), "the version in use stays")
		})
	}
}

func TestSend_ReturnsTheRequestIdentityInTheResponse(t *testing.T) {
	cases := []struct {
		name   string
		answer http.Header
		want   func(sent string) string
	}{
		{"broker does not echo it", nil, func(sent string) string { return sent }},
		{"broker echoes its own", http.Header{HeaderRequestIdentity: {"broker-side-42"}}, func(string) string { return "broker-side-42" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client, broker := newMockClient(t)
			broker.respond(mockJSONAnswer(http.StatusOK, `{}`, tc.answer))

			response, err := mockGetState(t, client, nil)

			require.NoError(t, err)
			sent := broker.only().Header.Get(HeaderRequestIdentity)
			assert.NotEmpty(t, sent)
			assert.Equal(t, tc.want(sent), response.Headers.Get(HeaderRequestIdentity))
		})
	}
}

func TestSetDefaultOriginatingIdentity_ValidatesTheValue(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, `{}`)
	require.NoError(t, client.SetDefaultOriginatingIdentity(mockIBMCloudIdentity))

	for _, invalid := range []string{"ibmcloud", "ibmcloud not-base64!", "ibmcloud WzFd" /* [1] */, " eyJhIjoxfQ=="} {
		err := client.SetDefaultOriginatingIdentity(invalid)

		require.ErrorIs(t, err, ErrInvalidOriginatingIdentity, invalid)
	}
	assert.Equal(t, mockIBMCloudIdentity, client.GetDefaultOriginatingIdentity(), "a rejected value changes nothing")
	require.NoError(t, client.SetDefaultOriginatingIdentity(""))
	_, err := mockGetState(t, client, nil)
	require.NoError(t, err)
	assert.Empty(t, broker.only().Header.Values(HeaderOriginatingIdentity), "an empty default sends none")
}

func TestOptionsHeaders_OverrideTheClientsSettings(t *testing.T) {
	const perCall = "cloudfoundry eyJ1c2VyX2lkIjoiNjgzZWE3NDgifQ=="
	for _, spelling := range []func(string) string{
		func(name string) string { return name },
		http.CanonicalHeaderKey,
	} {
		t.Run(spelling(HeaderAPIVersion), func(t *testing.T) {
			client, broker := newMockClient(t)
			broker.reply(http.StatusOK, `{}`)
			require.NoError(t, client.SetDefaultOriginatingIdentity(mockIBMCloudIdentity))

			_, err := mockGetState(t, client, map[string]string{
				spelling(HeaderAPIVersion):          "2.16",
				spelling(HeaderRequestIdentity):     "trace-1",
				spelling(HeaderOriginatingIdentity): perCall,
				"X-Correlation-ID":                  "corr-9",
			})

			require.NoError(t, err)
			header := broker.only().Header
			assert.Equal(t, []string{"2.16"}, header.Values(HeaderAPIVersion))
			assert.Equal(t, []string{"trace-1"}, header.Values(HeaderRequestIdentity))
			assert.Equal(t, []string{perCall}, header.Values(HeaderOriginatingIdentity))
			assert.Equal(t, []string{"corr-9"}, header.Values("X-Correlation-ID"))
		})
	}
}

func TestSetDefaultHeaders_SendsEachHeaderOnce(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, `{}`)
	client.SetDefaultHeaders(http.Header{HeaderAPIVersion: {"2.16"}, "X-Platform-Region": {"us-south"}})

	_, err := mockGetState(t, client, nil)

	require.NoError(t, err)
	header := broker.only().Header
	assert.Equal(t, []string{"2.16"}, header.Values(HeaderAPIVersion), "a default header replaces the operation's, as in go-sdk-core")
	assert.Equal(t, []string{"us-south"}, header.Values("X-Platform-Region"))
}

func TestSend_SendsCanonicalHeaderNames(t *testing.T) {
	client, broker := newMockClient(t)
	canonicalNames := httpmock.NewMatcher("canonical header names", func(request *http.Request) bool {
		for name := range request.Header {
			if name != http.CanonicalHeaderKey(name) {
				return false
			}
		}
		return true
	})
	// A transport in between, like this mock, reads headers with Header.Get.
	matcher := canonicalNames.And(httpmock.HeaderIs(HeaderAPIVersion, "2.17"), httpmock.HeaderIs("X-Correlation-Id", "corr-9"))
	broker.transport.RegisterRegexpMatcherResponder(http.MethodGet, regexp.MustCompile(`.*`), matcher, mockJSONAnswer(http.StatusOK, `{}`, nil))

	_, err := mockGetState(t, client, map[string]string{"x-correlation-id": "corr-9"})

	require.NoError(t, err)
	assert.Equal(t, 1, broker.calls())
}

func TestRetries_AreOnByDefault(t *testing.T) {
	client, broker := newMockClient(t)
	broker.respond(mockAnswers(
		mockJSONAnswer(http.StatusServiceUnavailable, `{}`, nil),
		mockJSONAnswer(http.StatusOK, mockStateAnswer, nil),
	))

	response, err := mockGetState(t, client, nil)

	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, response.StatusCode)
	assert.Equal(t, 2, broker.calls(), "the 503 was retried")
	assert.Equal(t, retryPolicy{maxRetries: DefaultMaxRetries, minWait: DefaultMinRetryInterval, maxWait: DefaultMaxRetryInterval}, client.transport.policy)
	assert.Equal(t, DefaultTimeout, client.GetHTTPClient().Timeout, "each call has a time limit")
}

func TestEnableRetries_RetriesTransientAnswers(t *testing.T) {
	client, broker := newMockClient(t)
	client.EnableRetries(2, 5*time.Millisecond)
	broker.respond(mockAnswers(
		mockJSONAnswer(http.StatusServiceUnavailable, `{}`, nil),
		mockJSONAnswer(http.StatusServiceUnavailable, `{}`, nil),
		mockJSONAnswer(http.StatusOK, mockStateAnswer, nil),
	))

	response, err := mockGetState(t, client, nil)

	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, response.StatusCode)
	assert.Equal(t, 3, broker.calls())
	assert.Equal(t, retryPolicy{maxRetries: 2, minWait: 5 * time.Millisecond, maxWait: 5 * time.Millisecond}, client.transport.policy)
}

func TestEnableRetries_ZeroSelectsTheDefaults(t *testing.T) {
	client, _ := newMockClient(t)
	client.DisableRetries()

	client.EnableRetries(0, 0)

	assert.Equal(t, retryPolicy{maxRetries: DefaultMaxRetries, minWait: DefaultMinRetryInterval, maxWait: DefaultMaxRetryInterval}, client.transport.policy)
}

func TestDisableRetries_SendsEachRequestOnce(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusServiceUnavailable, `{"description":"maintenance"}`)

	client.DisableRetries()
	response, err := mockGetState(t, client, nil)

	var brokerErr *BrokerError
	require.ErrorAs(t, err, &brokerErr)
	assert.Equal(t, http.StatusServiceUnavailable, brokerErr.StatusCode)
	assert.Equal(t, http.StatusServiceUnavailable, response.StatusCode)
	assert.Equal(t, 1, broker.calls())
}

func TestClone_KeepsTheSettingsApart(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, `{}`)
	require.NoError(t, client.SetDefaultOriginatingIdentity(mockIBMCloudIdentity))

	var missing *OpenServiceBrokerV1
	assert.Nil(t, missing.Clone())
	clone := client.Clone()
	require.NoError(t, clone.SetBrokerAPIVersion("2.16"))
	require.NoError(t, clone.SetServiceURL("http://127.0.0.1:10"))

	assert.Equal(t, DefaultBrokerAPIVersion, client.GetBrokerAPIVersion())
	assert.Equal(t, mockBrokerURL, client.GetServiceURL())
	assert.Equal(t, mockIBMCloudIdentity, clone.GetDefaultOriginatingIdentity())
	_, err := mockGetState(t, clone, nil)
	require.NoError(t, err)
	request := broker.only()
	assert.Equal(t, "127.0.0.1:10", request.URL.Host)
	assert.Equal(t, []string{"2.16"}, request.Header.Values(HeaderAPIVersion))
}

func TestNewOpenServiceBrokerV1_RejectsIncompleteOptions(t *testing.T) {
	_, nilErr := NewOpenServiceBrokerV1(nil)
	_, noAuthErr := NewOpenServiceBrokerV1(&OpenServiceBrokerV1Options{URL: mockBrokerURL})
	_, badURLErr := NewOpenServiceBrokerV1(&OpenServiceBrokerV1Options{URL: `"` + mockBrokerURL + `"`, Authenticator: &core.NoAuthAuthenticator{}})

	assert.ErrorContains(t, nilErr, "options must not be nil")
	assert.Error(t, noAuthErr, "an authenticator is required")
	assert.Error(t, badURLErr, "a quoted URL is rejected")
}

func TestNewOpenServiceBrokerV1_UsesTheDefaultURL(t *testing.T) {
	client, err := NewOpenServiceBrokerV1(&OpenServiceBrokerV1Options{Authenticator: &core.NoAuthAuthenticator{}})

	require.NoError(t, err)
	assert.Equal(t, DefaultServiceURL, client.GetServiceURL())
}

func TestClientWrappers_ConfigureTheHTTPClient(t *testing.T) {
	client, _ := newMockClient(t)
	custom := &http.Client{Transport: &http.Transport{}, Timeout: 3 * time.Second}

	client.SetHTTPClient(custom)
	client.SetEnableGzipCompression(true)
	client.DisableSSLVerification()

	assert.Same(t, custom, client.GetHTTPClient())
	assert.True(t, client.GetEnableGzipCompression())
	assert.True(t, custom.Transport.(*http.Transport).TLSClientConfig.InsecureSkipVerify)
}

func TestSetHTTPClient_KeepsRetriesAroundItsTransport(t *testing.T) {
	client, broker := newMockClient(t)
	client.EnableRetries(1, time.Millisecond)
	broker.respond(mockAnswers(
		mockJSONAnswer(http.StatusServiceUnavailable, `{}`, nil),
		mockJSONAnswer(http.StatusOK, mockStateAnswer, nil),
	))

	client.SetHTTPClient(&http.Client{Transport: broker.transport})
	response, err := mockGetState(t, client, nil)

	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, response.StatusCode)
	assert.Equal(t, 2, broker.calls(), "the user's transport is the base of the retrying stack")
}

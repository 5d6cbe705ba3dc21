package brokertest

import (
	"fmt"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Client returns an SDK client of this broker, authenticated with its basic-auth credentials and
// with the SDK's defaults (API version 2.17, retries on). It panics only if the server's URL is
// not a URL, which NewServer never produces.
func (s *Server) Client() *openservicebrokerv1.OpenServiceBrokerV1 {
	client, err := openservicebrokerv1.NewOpenServiceBrokerV1(&openservicebrokerv1.OpenServiceBrokerV1Options{
		URL:           s.URL,
		Authenticator: &core.BasicAuthenticator{Username: s.Username, Password: s.Password},
	})
	if err != nil {
		panic(fmt.Sprintf("brokertest: cannot build a client for %s: %v", s.URL, err))
	}
	return client
}

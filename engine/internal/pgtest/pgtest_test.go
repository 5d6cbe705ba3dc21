package pgtest

import (
	"net"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStartListensOnLoopback(t *testing.T) {
	c := Start(t)
	u, err := url.Parse(c.URL)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1", u.Hostname())
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err, "the cluster accepts connections on its loopback address")
	require.NoError(t, conn.Close())
}

package common

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// writeFile writes content to name in dir and returns the path.
func writeFile(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, content, 0o600))
	return path
}

// rewriteFile replaces the content of path in place and gives it modTime, so a test controls
// what a change check sees.
func rewriteFile(t *testing.T, path string, content []byte, modTime time.Time) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, content, 0o600))
	require.NoError(t, os.Chtimes(path, modTime, modTime))
}

// readCounter counts the files read through it.
type readCounter struct{ reads atomic.Int32 }

func (c *readCounter) readFile(path string) ([]byte, error) {
	c.reads.Add(1)
	return os.ReadFile(path)
}

func (c *readCounter) count() int { return int(c.reads.Load()) }

// watch makes r use clock and count its reads with a new counter.
func watch[T any](r *reloader[T], clock *testkit.FakeClock) *readCounter {
	counter := &readCounter{}
	r.now = clock.Now
	r.readFile = counter.readFile
	return counter
}

// recorder keeps what a test server saw of each request.
type recorder struct {
	mu     sync.Mutex
	values []string
}

func (r *recorder) add(value string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.values = append(r.values, value)
}

func (r *recorder) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.values) == 0 {
		return ""
	}
	return r.values[len(r.values)-1]
}

// newHeaderServer starts a plain HTTP server that records the Authorization header.
func newHeaderServer(t *testing.T) (*httptest.Server, *recorder) {
	t.Helper()
	seen := &recorder{}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.add(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(server.Close)
	return server, seen
}

// newMutualTLSServer starts a TLS server that requires a client certificate signed by the
// test CA and records the common name of each client certificate it accepts.
func newMutualTLSServer(t *testing.T, pki *testkit.PKI) (*httptest.Server, *recorder) {
	t.Helper()
	certPEM, keyPEM := pki.Issue("broker", x509.ExtKeyUsageServerAuth)
	serverCert, err := tls.X509KeyPair(certPEM, keyPEM)
	require.NoError(t, err)
	clientCAs := x509.NewCertPool()
	clientCAs.AddCert(pki.Cert)

	seen := &recorder{}
	server := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.add(r.TLS.PeerCertificates[0].Subject.CommonName)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	server.TLS = &tls.Config{
		Certificates: []tls.Certificate{serverCert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    clientCAs,
		MinVersion:   tls.VersionTLS12,
	}
	server.StartTLS()
	t.Cleanup(server.Close)
	return server, seen
}

// clientFiles writes a client certificate and key issued by pki for commonName, and the CA
// certificate, into dir.
func clientFiles(t *testing.T, pki *testkit.PKI, dir, commonName string) (certFile, keyFile, caFile string) {
	t.Helper()
	certPEM, keyPEM := pki.Issue(commonName, x509.ExtKeyUsageClientAuth)
	return writeFile(t, dir, "client.crt", certPEM), writeFile(t, dir, "client.key", keyPEM),
		writeFile(t, dir, "ca.crt", pki.CertPEM)
}

// watchedCertificate is a client certificate loaded from files that pki issued for
// "platform-one", whose file checks run on a fake clock, so that a test rotates the files at will.
type watchedCertificate struct {
	certificate               *ClientCertificate
	certFile, keyFile, caFile string
	clock                     *testkit.FakeClock
	reads                     *readCounter
}

func newWatchedCertificate(t *testing.T, pki *testkit.PKI) watchedCertificate {
	t.Helper()
	watched := watchedCertificate{clock: testkit.NewFakeClock()}
	watched.certFile, watched.keyFile, watched.caFile = clientFiles(t, pki, t.TempDir(), "platform-one")
	certificate, err := LoadClientCertificate(watched.certFile, watched.keyFile)
	require.NoError(t, err)
	watched.certificate = certificate
	watched.reads = watch(certificate.pair, watched.clock)
	return watched
}

// presented is the common name of the certificate the client would present now.
func (watched watchedCertificate) presented(t *testing.T) string {
	t.Helper()
	cert, err := watched.certificate.GetClientCertificate(&tls.CertificateRequestInfo{})
	require.NoError(t, err)
	return cert.Leaf.Subject.CommonName
}

// tlsFiles are, in a fresh directory, a client certificate and key issued for "platform" (with
// their CA) and files a TLS configuration cannot use.
type tlsFiles struct {
	dir               string
	certFile, keyFile string
	otherKeyPEM       []byte // the key of another certificate, which no error text may show
	otherKeyFile      string // holds otherKeyPEM
	garbageFile       string // not PEM
	brokenKeyFile     string // a PEM PRIVATE KEY block that is not a key
	missingFile       string // no file is there
}

func newTLSFiles(t *testing.T) tlsFiles {
	t.Helper()
	pki := testkit.NewPKI(t)
	files := tlsFiles{dir: t.TempDir()}
	files.certFile, files.keyFile, _ = clientFiles(t, pki, files.dir, "platform")
	_, files.otherKeyPEM = pki.Issue("other", x509.ExtKeyUsageClientAuth)
	files.otherKeyFile = writeFile(t, files.dir, "other.key", files.otherKeyPEM)
	files.garbageFile = writeFile(t, files.dir, "garbage.pem", []byte("not PEM"))
	files.brokenKeyFile = writeFile(t, files.dir, "broken.key", testkit.PEMEncode("PRIVATE KEY", []byte("not DER")))
	files.missingFile = filepath.Join(files.dir, "missing.pem")
	return files
}

// get sends a GET to url with client and returns the status, failing the test on a transport error.
func get(t *testing.T, client *http.Client, url string) int {
	t.Helper()
	response, err := client.Get(url)
	require.NoError(t, err)
	defer response.Body.Close()
	return response.StatusCode
}

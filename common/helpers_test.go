package common

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testPKI is a certificate authority made up for one test.
type testPKI struct {
	t       *testing.T
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
	serial  int64
}

// newTestPKI creates a CA with an ECDSA P-256 key, which is fast to generate.
func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	key := newECKey(t)
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, key.Public(), key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return &testPKI{t: t, cert: cert, key: key, certPEM: pemEncode("CERTIFICATE", der), serial: 1}
}

// issue returns a certificate for commonName, signed by the CA, and its PKCS #8 key, in PEM.
func (p *testPKI) issue(commonName string, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
	p.t.Helper()
	key := newECKey(p.t)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(p.t, err)
	return p.sign(commonName, usage, key), pemEncode("PRIVATE KEY", keyDER)
}

// sign returns a PEM certificate for commonName and the public half of key.
func (p *testPKI) sign(commonName string, usage x509.ExtKeyUsage, key interface{ Public() crypto.PublicKey }) []byte {
	p.t.Helper()
	p.serial++
	template := &x509.Certificate{
		SerialNumber: big.NewInt(p.serial),
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, p.cert, key.Public(), p.key)
	require.NoError(p.t, err)
	return pemEncode("CERTIFICATE", der)
}

func newECKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return key
}

func pemEncode(blockType string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
}

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

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// readCounter counts the files read through it.
type readCounter struct{ reads atomic.Int32 }

func (c *readCounter) readFile(path string) ([]byte, error) {
	c.reads.Add(1)
	return os.ReadFile(path)
}

func (c *readCounter) count() int { return int(c.reads.Load()) }

// watch makes r use clock and count its reads with a new counter.
func watch[T any](r *reloader[T], clock *fakeClock) *readCounter {
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
func newMutualTLSServer(t *testing.T, pki *testPKI) (*httptest.Server, *recorder) {
	t.Helper()
	certPEM, keyPEM := pki.issue("broker", x509.ExtKeyUsageServerAuth)
	serverCert, err := tls.X509KeyPair(certPEM, keyPEM)
	require.NoError(t, err)
	clientCAs := x509.NewCertPool()
	clientCAs.AddCert(pki.cert)

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
func clientFiles(t *testing.T, pki *testPKI, dir, commonName string) (certFile, keyFile, caFile string) {
	t.Helper()
	certPEM, keyPEM := pki.issue(commonName, x509.ExtKeyUsageClientAuth)
	return writeFile(t, dir, "client.crt", certPEM), writeFile(t, dir, "client.key", keyPEM),
		writeFile(t, dir, "ca.crt", pki.certPEM)
}

// get sends a GET to url with client and returns the status, failing the test on a transport error.
func get(t *testing.T, client *http.Client, url string) int {
	t.Helper()
	response, err := client.Get(url)
	require.NoError(t, err)
	defer response.Body.Close()
	return response.StatusCode
}

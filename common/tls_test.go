package common

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

func TestNewMutualTLSTransport_ServerSeesClientCertificate(t *testing.T) {
	pki := testkit.NewPKI(t)
	server, seen := newMutualTLSServer(t, pki)
	certFile, keyFile, caFile := clientFiles(t, pki, t.TempDir(), "platform-one")

	transport, err := NewMutualTLSTransport(certFile, keyFile, caFile)
	require.NoError(t, err)
	client := &http.Client{Transport: transport}

	assert.Equal(t, http.StatusOK, get(t, client, server.URL))
	assert.Equal(t, "platform-one", seen.last())
}

func TestNewMutualTLSTransport_HandshakeFails(t *testing.T) {
	pki := testkit.NewPKI(t)
	server, _ := newMutualTLSServer(t, pki)
	dir := t.TempDir()
	certFile, keyFile, caFile := clientFiles(t, pki, dir, "platform")
	otherCertFile, otherKeyFile, otherCAFile := clientFiles(t, testkit.NewPKI(t), t.TempDir(), "stranger")

	tests := []struct {
		name                      string
		certFile, keyFile, caFile string
		wantText                  string
	}{
		{name: "without client certificate", caFile: caFile, wantText: "certificate required"},
		{name: "with certificate of another CA", certFile: otherCertFile, keyFile: otherKeyFile, caFile: caFile, wantText: "unknown certificate authority"},
		{name: "verifying the server with system roots", certFile: certFile, keyFile: keyFile, wantText: "certificate signed by unknown authority"},
		{name: "verifying the server with another CA", certFile: certFile, keyFile: keyFile, caFile: otherCAFile, wantText: "certificate signed by unknown authority"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			transport, err := NewMutualTLSTransport(tt.certFile, tt.keyFile, tt.caFile)
			require.NoError(t, err)

			_, err = (&http.Client{Transport: transport}).Get(server.URL)

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantText)
		})
	}
}

func TestNewTLSConfig_KeepsServerVerificationOn(t *testing.T) {
	pki := testkit.NewPKI(t)
	certFile, keyFile, caFile := clientFiles(t, pki, t.TempDir(), "platform")

	config, err := NewTLSConfig(certFile, keyFile, caFile)

	require.NoError(t, err)
	assert.False(t, config.InsecureSkipVerify)
	assert.GreaterOrEqual(t, config.MinVersion, uint16(tls.VersionTLS12))
	assert.NotNil(t, config.RootCAs)
	assert.NotNil(t, config.GetClientCertificate)
}

// A rotated client certificate is presented on the next handshake after the check interval,
// and its files are read once per change.
func TestClientCertificate_RotatedCertificateReachesServer(t *testing.T) {
	pki := testkit.NewPKI(t)
	server, seen := newMutualTLSServer(t, pki)
	watched := newWatchedCertificate(t, pki)
	config, err := newTLSConfig(watched.certificate, watched.caFile)
	require.NoError(t, err)
	transport := defaultTransport()
	transport.TLSClientConfig = config
	client := &http.Client{Transport: transport}
	newConnection := func() string {
		t.Helper()
		transport.CloseIdleConnections()
		assert.Equal(t, http.StatusOK, get(t, client, server.URL))
		return seen.last()
	}

	assert.Equal(t, "platform-one", newConnection())

	certPEM, keyPEM := pki.Issue("platform-two", x509.ExtKeyUsageClientAuth)
	later := time.Now().Add(time.Minute)
	rewriteFile(t, watched.certFile, certPEM, later)
	rewriteFile(t, watched.keyFile, keyPEM, later)
	assert.Equal(t, "platform-one", newConnection(), "the files are not checked again within the interval")

	watched.clock.Advance(DefaultFileCheckInterval)
	assert.Equal(t, "platform-two", newConnection())
	assert.Equal(t, "platform-two", newConnection())
	assert.Equal(t, 2, watched.reads.count(), "certificate and key are read once per change")
}

func TestClientCertificate_SetCheckIntervalDelaysRotation(t *testing.T) {
	pki := testkit.NewPKI(t)
	watched := newWatchedCertificate(t, pki)
	watched.certificate.SetCheckInterval(time.Hour)
	certPEM, keyPEM := pki.Issue("platform-two", x509.ExtKeyUsageClientAuth)
	later := time.Now().Add(time.Minute)
	rewriteFile(t, watched.certFile, certPEM, later)
	rewriteFile(t, watched.keyFile, keyPEM, later)

	watched.clock.Advance(DefaultFileCheckInterval)
	assert.Equal(t, "platform-one", watched.presented(t))

	watched.clock.Advance(time.Hour)
	assert.Equal(t, "platform-two", watched.presented(t))
}

// Files rotated one after the other briefly hold a new certificate with the old key; the pair
// read last stays in use until the key follows.
func TestClientCertificate_KeepsLastPairWhileRotationIsHalfDone(t *testing.T) {
	pki := testkit.NewPKI(t)
	watched := newWatchedCertificate(t, pki)
	certPEM, keyPEM := pki.Issue("platform-two", x509.ExtKeyUsageClientAuth)

	rewriteFile(t, watched.certFile, certPEM, time.Now().Add(time.Minute))
	watched.clock.Advance(DefaultFileCheckInterval)
	assert.Equal(t, "platform-one", watched.presented(t))

	rewriteFile(t, watched.keyFile, keyPEM, time.Now().Add(2*time.Minute))
	watched.clock.Advance(DefaultFileCheckInterval)
	assert.Equal(t, "platform-two", watched.presented(t))
}

func TestLoadClientCertificate_ReadsKeyEncodings(t *testing.T) {
	pki := testkit.NewPKI(t)
	ecKey := testkit.NewECKey(t)
	ecDER, err := x509.MarshalECPrivateKey(ecKey)
	require.NoError(t, err)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)

	tests := []struct {
		name   string
		key    interface{ Public() crypto.PublicKey }
		keyPEM []byte
	}{
		{name: "SEC 1 EC", key: ecKey, keyPEM: testkit.PEMEncode("EC PRIVATE KEY", ecDER)},
		{name: "PKCS #1 RSA", key: rsaKey, keyPEM: testkit.PEMEncode("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			certFile := writeFile(t, dir, "client.crt", pki.Sign("platform", x509.ExtKeyUsageClientAuth, tt.key))
			keyFile := writeFile(t, dir, "client.key", tt.keyPEM)

			certificate, err := LoadClientCertificate(certFile, keyFile)

			require.NoError(t, err)
			cert, err := certificate.GetClientCertificate(&tls.CertificateRequestInfo{})
			require.NoError(t, err)
			assert.Equal(t, "platform", cert.Leaf.Subject.CommonName)
		})
	}
}

func TestNewTLSConfig_ReportsUnusableFiles(t *testing.T) {
	files := newTLSFiles(t)

	tests := []struct {
		name                      string
		certFile, keyFile, caFile string
		wantKind                  FileKind
		wantPath                  string
		wantText                  string
	}{
		{name: "missing certificate", certFile: files.missingFile, keyFile: files.keyFile, wantKind: FileKindClientCertificate, wantPath: files.missingFile, wantText: "cannot be read: no such file or directory"},
		{name: "certificate not PEM", certFile: files.garbageFile, keyFile: files.keyFile, wantKind: FileKindClientCertificate, wantPath: files.garbageFile, wantText: "holds no PEM CERTIFICATE block"},
		{name: "certificate file holds a key", certFile: files.keyFile, keyFile: files.keyFile, wantKind: FileKindClientCertificate, wantPath: files.keyFile, wantText: "holds no PEM CERTIFICATE block"},
		{name: "missing key", certFile: files.certFile, keyFile: files.missingFile, wantKind: FileKindClientKey, wantPath: files.missingFile, wantText: "cannot be read"},
		{name: "key not PEM", certFile: files.certFile, keyFile: files.garbageFile, wantKind: FileKindClientKey, wantPath: files.garbageFile, wantText: "holds no PEM PRIVATE KEY block"},
		{name: "key file holds a certificate", certFile: files.certFile, keyFile: files.certFile, wantKind: FileKindClientKey, wantPath: files.certFile, wantText: "holds no PEM PRIVATE KEY block"},
		{name: "key cannot be parsed", certFile: files.certFile, keyFile: files.brokenKeyFile, wantKind: FileKindClientKey, wantPath: files.brokenKeyFile, wantText: "holds a private key that cannot be parsed"},
		{name: "key of another certificate", certFile: files.certFile, keyFile: files.otherKeyFile, wantKind: FileKindClientKey, wantPath: files.otherKeyFile, wantText: "does not hold the private key of the certificate in"},
		{name: "certificate without key", certFile: files.certFile, wantKind: FileKindClientKey, wantText: "client key file is not set, but a client certificate file is"},
		{name: "key without certificate", keyFile: files.keyFile, wantKind: FileKindClientCertificate, wantText: "client certificate file is not set, but a client key file is"},
		{name: "CA not PEM", caFile: files.garbageFile, wantKind: FileKindCACertificate, wantPath: files.garbageFile, wantText: "holds no PEM CERTIFICATE block that can be parsed"},
		{name: "missing CA", certFile: files.certFile, keyFile: files.keyFile, caFile: files.missingFile, wantKind: FileKindCACertificate, wantPath: files.missingFile, wantText: "cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewTLSConfig(tt.certFile, tt.keyFile, tt.caFile)

			require.Error(t, err)
			var fileErr *FileError
			require.ErrorAs(t, err, &fileErr)
			assert.Equal(t, tt.wantKind, fileErr.Kind)
			assert.Equal(t, tt.wantPath, fileErr.Path)
			assert.Contains(t, err.Error(), tt.wantText)
			assertNoKeyMaterial(t, err.Error(), files.otherKeyPEM)
		})
	}
}

func TestNewTLSConfig_RequiresAFile(t *testing.T) {
	_, err := NewTLSConfig("", "", "")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "no client certificate and no CA certificate file given")
}

// assertNoKeyMaterial fails if text holds any line of the base64 body of a PEM key.
func assertNoKeyMaterial(t *testing.T, text string, keyPEM []byte) {
	t.Helper()
	for _, line := range strings.Split(string(keyPEM), "\n") {
		if len(line) > 16 && !strings.HasPrefix(line, "-----") {
			assert.NotContains(t, text, line)
		}
	}
}

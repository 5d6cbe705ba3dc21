package testkit

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// PKI is a certificate authority made up for one test.
type PKI struct {
	t *testing.T
	// Cert is the CA's certificate and CertPEM its PEM encoding.
	Cert    *x509.Certificate
	CertPEM []byte
	key     *ecdsa.PrivateKey
	serial  int64
}

// NewPKI creates a CA with an ECDSA P-256 key, which is fast to generate.
func NewPKI(t *testing.T) *PKI {
	t.Helper()
	key := NewECKey(t)
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
	return &PKI{t: t, Cert: cert, key: key, CertPEM: PEMEncode("CERTIFICATE", der), serial: 1}
}

// Issue returns a certificate for commonName (also valid for localhost and 127.0.0.1), signed
// by the CA, and its PKCS #8 key, in PEM.
func (p *PKI) Issue(commonName string, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
	p.t.Helper()
	key := NewECKey(p.t)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(p.t, err)
	return p.Sign(commonName, usage, key), PEMEncode("PRIVATE KEY", keyDER)
}

// Sign returns a PEM certificate for commonName and the public half of key.
func (p *PKI) Sign(commonName string, usage x509.ExtKeyUsage, key interface{ Public() crypto.PublicKey }) []byte {
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
	der, err := x509.CreateCertificate(rand.Reader, template, p.Cert, key.Public(), p.key)
	require.NoError(p.t, err)
	return PEMEncode("CERTIFICATE", der)
}

// NewECKey generates an ECDSA P-256 key.
func NewECKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return key
}

// PEMEncode encodes der as one PEM block of blockType.
func PEMEncode(blockType string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
}

package common

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

// ClientCertificate presents a client certificate and key read from PEM files, and re-reads
// them when they change, so a rotated certificate is used for the next TLS handshake. Changes
// are detected from the files' identity, size and modification time, checked at most once per
// check interval (DefaultFileCheckInterval unless changed with SetCheckInterval).
//
// While the files are being rotated, a check may find the new certificate with the old key; the
// certificate read last is then kept until a check finds a matching pair again, since the old
// pair is usually still valid during a rotation.
//
// It is safe for concurrent use.
type ClientCertificate struct {
	pair *reloader[*tls.Certificate]
}

// LoadClientCertificate reads the PEM certificate (optionally followed by its chain) in certFile
// and the PEM private key (PKCS #8, PKCS #1 or SEC 1 EC, unencrypted) in keyFile. An error
// names the file and what is wrong with it, never the key.
func LoadClientCertificate(certFile, keyFile string) (*ClientCertificate, error) {
	pair, err := newReloader(func(read readFileFunc) (*tls.Certificate, error) {
		return readKeyPair(read, certFile, keyFile)
	}, watchedFile{kind: FileKindClientCertificate, path: certFile}, watchedFile{kind: FileKindClientKey, path: keyFile})
	if err != nil {
		return nil, err
	}
	return &ClientCertificate{pair: pair}, nil
}

// GetClientCertificate returns the newest usable certificate; it has the signature of
// tls.Config.GetClientCertificate.
func (c *ClientCertificate) GetClientCertificate(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	// A failed check is not an error here: the pair read last stays in use (see the type's doc).
	certificate, _ := c.pair.current()
	return certificate, nil
}

// SetCheckInterval sets how often, at most, the files are checked for a change.
func (c *ClientCertificate) SetCheckInterval(interval time.Duration) {
	c.pair.setInterval(interval)
}

// NewTLSConfig returns a TLS client configuration that presents the client certificate in
// certFile and keyFile (re-read when they are rotated, see ClientCertificate) and verifies the
// server against the CA certificates in caFile instead of the system's roots. certFile and
// keyFile go together and may both be empty when only caFile is given; an empty caFile keeps
// the system's roots. Server verification is always on.
func NewTLSConfig(certFile, keyFile, caFile string) (*tls.Config, error) {
	var certificate *ClientCertificate
	if certFile != "" || keyFile != "" {
		var err error
		if certificate, err = loadPairedCertificate(certFile, keyFile); err != nil {
			return nil, err
		}
	}
	return newTLSConfig(certificate, caFile)
}

// NewMutualTLSTransport returns a copy of http.DefaultTransport that uses NewTLSConfig's
// configuration, for an http.Client given to a service's SetHTTPClient.
func NewMutualTLSTransport(certFile, keyFile, caFile string) (*http.Transport, error) {
	tlsConfig, err := NewTLSConfig(certFile, keyFile, caFile)
	if err != nil {
		return nil, err
	}
	transport := defaultTransport()
	transport.TLSClientConfig = tlsConfig
	return transport, nil
}

// defaultTransport returns a copy of http.DefaultTransport, with its proxy and timeout settings.
func defaultTransport() *http.Transport {
	return http.DefaultTransport.(*http.Transport).Clone()
}

// loadPairedCertificate loads a client certificate after checking that both files are named.
func loadPairedCertificate(certFile, keyFile string) (*ClientCertificate, error) {
	if certFile == "" {
		return nil, fileContentError(FileKindClientCertificate, certFile, "is not set, but a client key file is")
	}
	if keyFile == "" {
		return nil, fileContentError(FileKindClientKey, keyFile, "is not set, but a client certificate file is")
	}
	return LoadClientCertificate(certFile, keyFile)
}

// newTLSConfig builds the client configuration from an optional certificate and CA file.
func newTLSConfig(certificate *ClientCertificate, caFile string) (*tls.Config, error) {
	if certificate == nil && caFile == "" {
		return nil, errors.New("no client certificate and no CA certificate file given; give at least one")
	}
	config := &tls.Config{MinVersion: tls.VersionTLS12}
	if certificate != nil {
		config.GetClientCertificate = certificate.GetClientCertificate
	}
	if caFile != "" {
		roots, err := loadCAPool(caFile)
		if err != nil {
			return nil, err
		}
		config.RootCAs = roots
	}
	return config, nil
}

// loadCAPool reads the PEM CA certificates in caFile.
func loadCAPool(caFile string) (*x509.CertPool, error) {
	content, err := readWith(os.ReadFile, FileKindCACertificate, caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(content) {
		return nil, fileContentError(FileKindCACertificate, caFile, "holds no PEM CERTIFICATE block that can be parsed")
	}
	return pool, nil
}

// readKeyPair reads and checks a certificate and its private key.
func readKeyPair(read readFileFunc, certFile, keyFile string) (*tls.Certificate, error) {
	chain, leaf, err := readCertificateChain(read, certFile)
	if err != nil {
		return nil, err
	}
	key, err := readPrivateKey(read, keyFile)
	if err != nil {
		return nil, err
	}
	if !publicKeysEqual(leaf.PublicKey, key.Public()) {
		return nil, fileContentError(FileKindClientKey, keyFile,
			fmt.Sprintf("does not hold the private key of the certificate in %q", certFile))
	}
	return &tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: leaf}, nil
}

// readCertificateChain returns the DER of every CERTIFICATE block in the file, and the first
// one (the client's own certificate) parsed.
func readCertificateChain(read readFileFunc, certFile string) ([][]byte, *x509.Certificate, error) {
	content, err := readWith(read, FileKindClientCertificate, certFile)
	if err != nil {
		return nil, nil, err
	}
	var chain [][]byte
	for _, block := range pemBlocks(content) {
		if block.Type == "CERTIFICATE" {
			chain = append(chain, block.Bytes)
		}
	}
	if len(chain) == 0 {
		return nil, nil, fileContentError(FileKindClientCertificate, certFile, "holds no PEM CERTIFICATE block")
	}
	leaf, err := x509.ParseCertificate(chain[0])
	if err != nil {
		return nil, nil, &FileError{Kind: FileKindClientCertificate, Path: certFile,
			Problem: "holds a first certificate that cannot be parsed", Err: err}
	}
	return chain, leaf, nil
}

// readPrivateKey returns the first PEM private key in the file. Parse errors are not wrapped:
// they describe the key's encoding, and a key's details are not for error text.
func readPrivateKey(read readFileFunc, keyFile string) (crypto.Signer, error) {
	content, err := readWith(read, FileKindClientKey, keyFile)
	if err != nil {
		return nil, err
	}
	for _, block := range pemBlocks(content) {
		if !strings.HasSuffix(block.Type, "PRIVATE KEY") {
			continue
		}
		if key := parsePrivateKey(block.Bytes); key != nil {
			return key, nil
		}
		return nil, fileContentError(FileKindClientKey, keyFile,
			"holds a private key that cannot be parsed; expected an unencrypted PKCS #8, PKCS #1 or SEC 1 EC key")
	}
	return nil, fileContentError(FileKindClientKey, keyFile, "holds no PEM PRIVATE KEY block")
}

// parsePrivateKey tries the encodings a PEM private key comes in; nil if none fits.
func parsePrivateKey(der []byte) crypto.Signer {
	if key, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		signer, _ := key.(crypto.Signer)
		return signer
	}
	if key, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return key
	}
	if key, err := x509.ParseECPrivateKey(der); err == nil {
		return key
	}
	return nil
}

// publicKeysEqual reports whether two public keys are the same key.
func publicKeysEqual(a, b crypto.PublicKey) bool {
	comparable, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && comparable.Equal(b)
}

// pemBlocks decodes every PEM block in content, skipping text around them.
func pemBlocks(content []byte) []*pem.Block {
	var blocks []*pem.Block
	for {
		block, rest := pem.Decode(content)
		if block == nil {
			return blocks
		}
		blocks = append(blocks, block)
		content = rest
	}
}

// readWith reads a file with read, reporting a failure as a *FileError of the given kind.
func readWith(read readFileFunc, kind FileKind, path string) ([]byte, error) {
	content, err := read(path)
	if err != nil {
		return nil, fileAccessError(kind, path, err)
	}
	return content, nil
}

package openservicebrokerv1

// A record keeps its request's options (parameters, context, originating identity, headers)
// sealed with AES-GCM under the caller's key, never in clear text. The record's kind and ids are
// the additional data, so a sealed request cannot be moved to another record.

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrRecordKey is matched by errors.Is when a record's sealed request cannot be opened with the
// key given: another key, or a record changed since it was sealed.
var ErrRecordKey = errors.New("the record's sealed request cannot be opened with this key")

func checkKey(op string, key []byte) error {
	if key == nil {
		return nil
	}
	if _, err := aes.NewCipher(key); err != nil {
		return &ParameterError{Operation: op, Parameter: "Key", Problem: fmt.Sprintf("must be 16, 24 or 32 bytes long, got %d", len(key))}
	}
	return nil
}

func recordCipher(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// additionalData binds a sealed request to the record's kind and ids.
func additionalData(record OperationRecord) []byte {
	data, _ := json.Marshal([]string{string(record.Kind), record.InstanceID, record.BindingID, record.ServiceID, record.PlanID})
	return data
}

// sealOptions encodes options as JSON and seals them: a random nonce followed by the ciphertext.
func sealOptions(key []byte, record OperationRecord, options any) ([]byte, error) {
	plain, err := json.Marshal(options)
	if err != nil {
		return nil, fmt.Errorf("cannot encode the request to seal it: %w", err)
	}
	aead, err := recordCipher(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, plain, additionalData(record)), nil
}

// openOptions opens the record's sealed request into options.
func openOptions(key []byte, record OperationRecord, options any) error {
	aead, err := recordCipher(key)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRecordKey, err)
	}
	if len(record.Sealed) < aead.NonceSize() {
		return fmt.Errorf("%w: the sealed request is truncated", ErrRecordKey)
	}
	nonce, sealed := record.Sealed[:aead.NonceSize()], record.Sealed[aead.NonceSize():]
	plain, err := aead.Open(nil, nonce, sealed, additionalData(record))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRecordKey, err)
	}
	return json.Unmarshal(plain, options)
}

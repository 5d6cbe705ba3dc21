package openservicebrokerv1

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
)

// Headers the OSB specification defines for every request.
const (
	// HeaderAPIVersion carries the OSB API version the client speaks, e.g. "2.17".
	HeaderAPIVersion = "X-Broker-API-Version"
	// HeaderRequestIdentity carries an identifier of one request, for tracing it through the broker.
	HeaderRequestIdentity = "X-Broker-API-Request-Identity"
	// HeaderOriginatingIdentity names the platform user behind a request; see NewOriginatingIdentity.
	HeaderOriginatingIdentity = "X-Broker-API-Originating-Identity"
)

// Platform names of the OSB profiles, for NewOriginatingIdentity.
const (
	// PlatformIBMCloud is the platform of IBMCloudIdentity.
	PlatformIBMCloud = "ibmcloud"
	// PlatformCloudFoundry is the platform of CloudFoundryIdentity.
	PlatformCloudFoundry = "cloudfoundry"
	// PlatformKubernetes is the platform of KubernetesIdentity.
	PlatformKubernetes = "kubernetes"
)

// IBMCloudIdentity is the originating identity of an IBM Cloud user (platform PlatformIBMCloud).
type IBMCloudIdentity struct {
	// IAMID is the user's IAM ID, e.g. "IBMid-1234567890".
	IAMID string `json:"iam_id"`
}

// CloudFoundryIdentity is the originating identity of a Cloud Foundry user (platform PlatformCloudFoundry).
type CloudFoundryIdentity struct {
	// UserID is the user's GUID in Cloud Foundry's UAA.
	UserID string `json:"user_id"`
}

// KubernetesIdentity is the originating identity of a Kubernetes user (platform PlatformKubernetes),
// shaped like the user info of a Kubernetes authentication review.
type KubernetesIdentity struct {
	// Username is the user's name.
	Username string `json:"username"`
	// UID identifies the user across name changes.
	UID string `json:"uid"`
	// Groups lists the groups the user belongs to.
	Groups []string `json:"groups,omitempty"`
	// Extra holds further attributes the authenticator provided.
	Extra map[string][]string `json:"extra,omitempty"`
}

// ErrInvalidOriginatingIdentity is matched by errors.Is for any originating identity that
// NewOriginatingIdentity refuses to build or ParseOriginatingIdentity cannot read.
var ErrInvalidOriginatingIdentity = errors.New("invalid originating identity")

// NewOriginatingIdentity builds the value of the X-Broker-API-Originating-Identity header:
// the platform, a space, and the base64 of value encoded as a JSON object.
// platform must be one word of visible ASCII (e.g. PlatformCloudFoundry); value must encode to a
// JSON object: a struct such as CloudFoundryIdentity, or a map.
func NewOriginatingIdentity(platform string, value any) (string, error) {
	if err := validatePlatform(platform); err != nil {
		return "", err
	}
	encoded, err := json.Marshal(value)
	if err != nil {
		return "", fmt.Errorf("%w: value for platform %q cannot be encoded as JSON: %w", ErrInvalidOriginatingIdentity, platform, err)
	}
	if !strings.HasPrefix(string(encoded), "{") {
		return "", fmt.Errorf("%w: value for platform %q must encode to a JSON object, got %T; pass a struct or a map", ErrInvalidOriginatingIdentity, platform, value)
	}
	return platform + " " + base64.StdEncoding.EncodeToString(encoded), nil
}

// ParseOriginatingIdentity splits an X-Broker-API-Originating-Identity value into the platform
// and the decoded JSON object, the inverse of NewOriginatingIdentity.
func ParseOriginatingIdentity(header string) (platform string, value map[string]any, err error) {
	platform, encoded, found := strings.Cut(strings.TrimSpace(header), " ")
	if !found {
		return "", nil, fmt.Errorf("%w: want \"platform base64-value\", got no space in the header", ErrInvalidOriginatingIdentity)
	}
	if err := validatePlatform(platform); err != nil {
		return "", nil, err
	}
	decoded, err := decodeBase64(strings.TrimSpace(encoded))
	if err != nil {
		return "", nil, fmt.Errorf("%w: value for platform %q is not base64: %w", ErrInvalidOriginatingIdentity, platform, err)
	}
	if err := json.Unmarshal(decoded, &value); err != nil || value == nil {
		return "", nil, fmt.Errorf("%w: value for platform %q is not a base64-encoded JSON object", ErrInvalidOriginatingIdentity, platform)
	}
	return platform, value, nil
}

// decodeBase64 accepts padded and unpadded standard base64, since senders differ.
func decodeBase64(encoded string) ([]byte, error) {
	decoded, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return base64.RawStdEncoding.DecodeString(encoded)
	}
	return decoded, nil
}

// validatePlatform accepts one non-empty word of visible ASCII: a space would end the
// platform inside the header, and other bytes are not allowed in a header value.
func validatePlatform(platform string) error {
	if platform == "" {
		return fmt.Errorf("%w: the platform is empty; use e.g. %q", ErrInvalidOriginatingIdentity, PlatformCloudFoundry)
	}
	for _, r := range platform {
		if r <= ' ' || r > '~' {
			return fmt.Errorf("%w: platform %q must be one word of visible ASCII characters, e.g. %q", ErrInvalidOriginatingIdentity, platform, PlatformCloudFoundry)
		}
	}
	return nil
}

// writeRequestIdentity writes a fresh random (version 4) UUID for X-Broker-API-Request-Identity
// into text, in its canonical form (8-4-4-4-12 lowercase hex digits). Every request makes one, in
// the request's own storage (sdkruntime.Request.SetIdentity): no allocation.
func writeRequestIdentity(text *[sdkruntime.IdentityLength]byte) {
	var id uuid.UUID
	_, _ = rand.Read(id[:])   // crypto/rand.Read never fails
	id[6] = id[6]&0x0f | 0x40 // version 4
	id[8] = id[8]&0x3f | 0x80 // the variant of RFC 9562
	hex.Encode(text[0:8], id[0:4])
	text[8] = '-'
	hex.Encode(text[9:13], id[4:6])
	text[13] = '-'
	hex.Encode(text[14:18], id[6:8])
	text[18] = '-'
	hex.Encode(text[19:23], id[8:10])
	text[23] = '-'
	hex.Encode(text[24:36], id[10:16])
}

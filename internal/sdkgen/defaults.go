package sdkgen

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// defaultClientName names the client after info.title and the major number of info.version, so
// that a spec without x-sdkgen-client still generates: "Open Service Broker API" at "v2.17"
// becomes OpenServiceBrokerAPIV2. A version without a leading number adds no suffix.
func defaultClientName(title, version string) string {
	name := goName(title)
	if major := majorVersion(version); major != "" {
		name += "V" + major
	}
	return name
}

// majorVersion returns the leading digits of a version, after an optional "v": "v2.17" -> "2".
func majorVersion(version string) string {
	version = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(version), "v"), "V")
	end := strings.IndexFunc(version, func(r rune) bool { return !unicode.IsDigit(r) })
	if end < 0 {
		end = len(version)
	}
	return version[:end]
}

// defaultServiceName is the snake case of info.title: "Open Service Broker API" -> open_service_broker_api.
func defaultServiceName(title string) string {
	return fileName(title)
}

// defaultPackage is the client name in lower case, used when the caller names no package.
func defaultPackage(client string) string {
	return strings.ToLower(client)
}

// defaultLiteral renders a scalar schema default as a Go literal of the field's argument type, or
// "" when there is none or it does not fit the type (the spec validator does not check defaults).
func defaultLiteral(kind Kind, value any) string {
	switch v := value.(type) {
	case string:
		if kind == KindString {
			return strconv.Quote(v)
		}
	case bool:
		if kind == KindBool {
			return strconv.FormatBool(v)
		}
	case float64:
		switch {
		case kind == KindNumber:
			return strconv.FormatFloat(v, 'g', -1, 64)
		case kind == KindInt && v == math.Trunc(v) && math.Abs(v) < 1<<53:
			return strconv.FormatInt(int64(v), 10)
		}
	}
	return ""
}

// optionalString returns a string extension, or fallback when the spec does not set it.
// A value that is set but is not a non-empty string is an error: it is a typo, not an absence.
func (b *builder) optionalString(ext map[string]any, name, fallback string, origin *openapi3.Origin, pointer string) (string, error) {
	raw, ok := ext[name]
	if !ok {
		return fallback, nil
	}
	value, ok := raw.(string)
	if !ok || value == "" {
		return "", fmt.Errorf("%s: %s must be a non-empty string (or left out for %q)", b.locate(origin, pointer), name, fallback)
	}
	return value, nil
}

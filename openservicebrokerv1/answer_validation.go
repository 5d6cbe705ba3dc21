package openservicebrokerv1

// The rules the specification sets for the body of a successful answer, applied once in the
// decode path and exported for the checker.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The ids of the answer findings. Those that make an answer malformed (a failure, and for the
// operations the Orphan Mitigation table names, a reason to mitigate) are marked "malformed";
// the others are reported by ValidateAnswer and leave the answer usable.
const (
	FindingAnswerUndecodable          = "answer.body.undecodable"            // malformed
	FindingAnswerStateMissing         = "answer.state.missing"               // malformed
	FindingAnswerStateInvalid         = "answer.state.invalid"               // malformed
	FindingAnswerOperationTooLong     = "answer.operation.length"            // malformed
	FindingAnswerVolumeMountMissing   = "answer.volume-mount.field.missing"  // malformed
	FindingAnswerVolumeMountMode      = "answer.volume-mount.mode"           // malformed
	FindingAnswerVolumeMountType      = "answer.volume-mount.device-type"    // malformed
	FindingAnswerURLNotAbsolute       = "answer.url.not-absolute"            // malformed
	FindingAnswerEndpointHostMissing  = "answer.endpoint.host.missing"       // malformed
	FindingAnswerEndpointPortsMissing = "answer.endpoint.ports.missing"      // malformed
	FindingAnswerEndpointPortInvalid  = "answer.endpoint.port.invalid"       // malformed
	FindingAnswerEndpointProtocol     = "answer.endpoint.protocol"           // malformed
	FindingAnswerStringEmpty          = "answer.string.empty"                // reported
	FindingAnswerBindingWhileAccepted = "answer.binding.accepted-with-data"  // reported
	FindingAnswerRenewAfterExpiry     = "answer.binding.renew-before-expiry" // reported
	FindingAnswerErrorCodeMisplaced   = "answer.error.code.misplaced"        // reported
	FindingAnswerErrorFieldMisplaced  = "answer.error.field.misplaced"       // reported
)

// malformedFindings are the findings after which an answer cannot be used as the specification
// defines it: a poll without a state the platform knows, an operation it need not store, a
// volume it cannot mount, a URL it cannot proxy or stream to, an endpoint it cannot open.
var malformedFindings = map[string]bool{
	FindingAnswerUndecodable: true, FindingAnswerStateMissing: true, FindingAnswerStateInvalid: true,
	FindingAnswerOperationTooLong: true, FindingAnswerVolumeMountMissing: true, FindingAnswerVolumeMountMode: true,
	FindingAnswerVolumeMountType: true, FindingAnswerURLNotAbsolute: true, FindingAnswerEndpointHostMissing: true,
	FindingAnswerEndpointPortsMissing: true, FindingAnswerEndpointPortInvalid: true, FindingAnswerEndpointProtocol: true,
}

// IsMalformed reports whether a finding of ValidateAnswer makes the answer malformed: a
// failure, although its status is a success.
func IsMalformed(finding Finding) bool {
	return malformedFindings[finding.ID]
}

// ErrMalformedAnswer matches the *InvalidAnswerError of an answer whose status is a success of
// the operation but whose body is malformed: it does not decode into the operation's model, or
// it breaks a rule IsMalformed marks.
var ErrMalformedAnswer = errors.New("broker's answer is malformed")

// InvalidAnswerError is the error of an answer with a success status and a malformed body. The
// client method returns it together with the decoded result (nil when the body did not decode),
// so that a caller sees what the broker sent. Find it with errors.As; it matches
// ErrMalformedAnswer with errors.Is and unwraps to the decoding error, if any.
type InvalidAnswerError struct {
	// Operation is the name of the client method, e.g. "GetLastOperation".
	Operation string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// RequestIdentity is the X-Broker-API-Request-Identity sent with the request.
	RequestIdentity string
	// Findings are everything ValidateAnswer found, the malformed and the reported alike.
	Findings []Finding

	cause error
}

// maxFindingsInMessage bounds the findings an error message lists.
const maxFindingsInMessage = 3

// Error names the operation, the status and the malformed findings.
func (e *InvalidAnswerError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: broker answered %d with a body that is ", e.Operation, e.StatusCode)
	if e.cause != nil {
		fmt.Fprintf(&b, "not the expected JSON (request identity %s): %v", e.RequestIdentity, e.cause)
		return b.String()
	}
	fmt.Fprintf(&b, "malformed (request identity %s)", e.RequestIdentity)
	listed := 0
	for _, finding := range e.Findings {
		if !IsMalformed(finding) {
			continue
		}
		if listed == maxFindingsInMessage {
			b.WriteString("; ...")
			break
		}
		fmt.Fprintf(&b, "; %s: %s (%s)", finding.Path, finding.Message, finding.Section)
		listed++
	}
	return b.String()
}

// Unwrap returns the decoding error, nil when the body decoded.
func (e *InvalidAnswerError) Unwrap() error {
	return e.cause
}

// Is reports whether target is ErrMalformedAnswer.
func (e *InvalidAnswerError) Is(target error) bool {
	return target == ErrMalformedAnswer
}

// The sections of the specification the answer rules come from.
const (
	sectionInstancePollBody = "Polling Last Operation for Service Instances, Body"
	sectionBindingPollBody  = "Polling Last Operation for Service Bindings, Body"
	sectionProvisionBody    = "Provisioning, Body"
	sectionUpdateBody       = "Updating a Service Instance, Body"
	sectionDeprovisionBody  = "Deprovisioning, Body"
	sectionBindBody         = "Binding, Body"
	sectionBindResponse     = "Binding, Response"
	sectionUnbindBody       = "Unbinding, Body"
	sectionFetchBindingBody = "Fetching a Service Binding, Body"
	sectionVolumeMount      = "Binding, Volume Mount Object"
	sectionDevice           = "Binding, Device Object"
	sectionEndpoint         = "Binding, Endpoint Object"
	sectionBindingMetadata  = "Binding, Binding Metadata Object"
	sectionErrorCodes       = "Service Broker Errors, Error Codes"
)

// maxOperationLength is the length, in characters, an operation must not exceed (Provisioning,
// Deprovisioning, Binding and Unbinding, Body).
const maxOperationLength = 10000

// ValidateAnswer reports everything in the decoded result of a successful answer (the client
// method's result, status its HTTP status) that breaks a rule the specification states for it,
// in body order. Every rule is a MUST; IsMalformed tells those that make the answer a failure. The
// client applies it to every answer it decodes: an answer with a malformed finding comes with an
// *InvalidAnswerError. A result of another type, or nil, has no findings.
//
// The rules: a poll's state is present and one of "in progress", "succeeded" and "failed", and its
// description, when present, not empty; an operation has at most 10,000 characters (provision,
// deprovision, bind, unbind) and, for an update, is not empty when present; a binding's volume
// mounts have driver, container_dir, mode ("r" or "rw"), device_type ("shared") and a device object
// with a volume_id; its route_service_url and syslog_drain_url are absolute URLs; its endpoints have
// a host, a non-empty list of ports ("443" or "9000-9010") and a protocol of "tcp", "udp" or "all";
// its renew_before is not after expires_at; a 202 to a bind carries no binding data. The decoding
// itself checks the types: credentials, parameters and metadata are objects, a device is an object.
func ValidateAnswer(result any, status int) []Finding {
	if value := reflect.ValueOf(result); !value.IsValid() || (value.Kind() == reflect.Pointer && value.IsNil()) {
		return nil
	}
	var v answerValidator
	switch answer := result.(type) {
	case *InstanceLastOperationResp:
		v.state(answer.State, sectionInstancePollBody)
		v.nonEmpty(answer.Description, "/description", sectionInstancePollBody)
	case *BindingLastOperationResp:
		v.state(answer.State, sectionBindingPollBody)
	case *InstancePutResp:
		v.operationLength(answer.Operation, sectionProvisionBody)
	case *InstancePatchResp:
		v.nonEmpty(answer.Operation, "/operation", sectionUpdateBody)
	case *InstanceDeleteResp:
		v.operationLength(answer.Operation, sectionDeprovisionBody)
	case *BindingDeleteResp:
		v.operationLength(answer.Operation, sectionUnbindBody)
	case *BindingPutResp:
		parts := bindingParts{answer.SyslogDrainURL, answer.RouteServiceURL, answer.VolumeMounts, answer.Endpoints, answer.Metadata, answer.Credentials}
		if status == 202 {
			v.operationLength(answer.Operation, sectionBindBody)
			v.nothingWhileAccepted(parts)
		} else {
			v.binding(parts, sectionBindBody)
		}
	case *BindingGetResp:
		v.binding(bindingParts{answer.SyslogDrainURL, answer.RouteServiceURL, answer.VolumeMounts, answer.Endpoints, answer.Metadata, answer.Credentials}, sectionFetchBindingBody)
	}
	return v.findings
}

// answerValidator collects the findings of one answer.
type answerValidator struct {
	findings []Finding
}

func (v *answerValidator) add(id, section, path, message string) {
	v.findings = append(v.findings, Finding{ID: id, Section: section, Level: LevelMust, Path: path, Message: message})
}

// quoted is a broker's value for a message: bounded, printable and quoted.
func quoted(value string) string {
	return strconv.Quote(printablePrefix([]byte(value), maxMessageText))
}

func (v *answerValidator) state(state *string, section string) {
	switch {
	case state == nil:
		v.add(FindingAnswerStateMissing, section, "/state", "state is REQUIRED and missing")
	case *state != InstanceLastOperationRespStateInProgressConst && *state != InstanceLastOperationRespStateSucceededConst &&
		*state != InstanceLastOperationRespStateFailedConst:
		v.add(FindingAnswerStateInvalid, section, "/state", fmt.Sprintf("state is %s; valid values are %q, %q and %q", quoted(*state),
			InstanceLastOperationRespStateInProgressConst, InstanceLastOperationRespStateSucceededConst, InstanceLastOperationRespStateFailedConst))
	}
}

func (v *answerValidator) nonEmpty(value *string, path, section string) {
	if value != nil && *value == "" {
		v.add(FindingAnswerStringEmpty, section, path, "if present, it MUST be a non-empty string")
	}
}

func (v *answerValidator) operationLength(operation *string, section string) {
	if operation != nil && len(*operation) > maxOperationLength && utf8.RuneCountInString(*operation) > maxOperationLength {
		v.add(FindingAnswerOperationTooLong, section, "/operation",
			fmt.Sprintf("operation has %d characters; it MUST NOT contain more than %d", utf8.RuneCountInString(*operation), maxOperationLength))
	}
}

// bindingParts are the fields a bind answer and a fetched binding share.
type bindingParts struct {
	syslogDrainURL, routeServiceURL *string
	volumeMounts                    []VolumeMount
	endpoints                       []Endpoint
	metadata                        *BindingMetadata
	credentials                     map[string]any
}

func (v *answerValidator) binding(parts bindingParts, section string) {
	v.absoluteURL(parts.syslogDrainURL, "/syslog_drain_url", section)
	v.absoluteURL(parts.routeServiceURL, "/route_service_url", section)
	for i := range parts.volumeMounts {
		v.volumeMount(&parts.volumeMounts[i], fmt.Sprintf("/volume_mounts/%d", i))
	}
	for i := range parts.endpoints {
		v.endpoint(&parts.endpoints[i], fmt.Sprintf("/endpoints/%d", i))
	}
	if metadata := parts.metadata; metadata != nil && metadata.ExpiresAt != nil && metadata.RenewBefore != nil &&
		time.Time(*metadata.RenewBefore).After(time.Time(*metadata.ExpiresAt)) {
		v.add(FindingAnswerRenewAfterExpiry, sectionBindingMetadata, "/metadata/renew_before", "renew_before is after expires_at; it MUST be before or equal")
	}
}

// absoluteURL requires a URL with a scheme and a host. The specification sets no scheme: Cloud
// Controller's https for route services is its own policy. The value is not quoted: a URL may
// carry a password.
func (v *answerValidator) absoluteURL(value *string, path, section string) {
	if value == nil {
		return
	}
	if parsed, err := url.Parse(*value); err != nil || parsed.Scheme == "" || parsed.Host == "" {
		v.add(FindingAnswerURLNotAbsolute, section, path, strings.TrimPrefix(path, "/")+" is not an absolute URL (scheme and host)")
	}
}

func (v *answerValidator) volumeMount(mount *VolumeMount, path string) {
	for _, field := range []struct {
		name  string
		value *string
	}{{"driver", mount.Driver}, {"container_dir", mount.ContainerDir}, {"mode", mount.Mode}, {"device_type", mount.DeviceType}} {
		if field.value == nil || *field.value == "" {
			v.add(FindingAnswerVolumeMountMissing, sectionVolumeMount, path+"/"+field.name, field.name+" is REQUIRED and missing or empty")
		}
	}
	if mode := mount.Mode; mode != nil && *mode != "" && *mode != VolumeMountModeRConst && *mode != VolumeMountModeRwConst {
		v.add(FindingAnswerVolumeMountMode, sectionVolumeMount, path+"/mode", fmt.Sprintf("mode is %s; it is %q or %q", quoted(*mode), VolumeMountModeRConst, VolumeMountModeRwConst))
	}
	if deviceType := mount.DeviceType; deviceType != nil && *deviceType != "" && *deviceType != VolumeMountDeviceTypeSharedConst {
		v.add(FindingAnswerVolumeMountType, sectionVolumeMount, path+"/device_type",
			fmt.Sprintf("device_type is %s; the only type defined is %q", quoted(*deviceType), VolumeMountDeviceTypeSharedConst))
	}
	switch device := mount.Device; {
	case device == nil:
		v.add(FindingAnswerVolumeMountMissing, sectionVolumeMount, path+"/device", "device is REQUIRED and missing")
	case device.VolumeID == nil || *device.VolumeID == "":
		v.add(FindingAnswerVolumeMountMissing, sectionDevice, path+"/device/volume_id", "volume_id is REQUIRED and missing or empty")
	}
}

// portPattern is an endpoint's port: "443", or a range "9000-9010".
var portPattern = regexp.MustCompile(`^([0-9]{1,5})(?:-([0-9]{1,5}))?$`)

func (v *answerValidator) endpoint(endpoint *Endpoint, path string) {
	if endpoint.Host == nil || strings.TrimSpace(*endpoint.Host) == "" {
		v.add(FindingAnswerEndpointHostMissing, sectionEndpoint, path+"/host", "host is REQUIRED and missing or empty")
	}
	if len(endpoint.Ports) == 0 {
		v.add(FindingAnswerEndpointPortsMissing, sectionEndpoint, path+"/ports", "ports is REQUIRED and MUST be a non-empty array")
	}
	for i, port := range endpoint.Ports {
		if !validPort(port) {
			v.add(FindingAnswerEndpointPortInvalid, sectionEndpoint, fmt.Sprintf("%s/ports/%d", path, i),
				fmt.Sprintf("port %s is neither a port (\"443\") nor a range (\"9000-9010\")", quoted(port)))
		}
	}
	if protocol := endpoint.Protocol; protocol != nil && *protocol != EndpointProtocolTcpConst && *protocol != EndpointProtocolUdpConst && *protocol != EndpointProtocolAllConst {
		v.add(FindingAnswerEndpointProtocol, sectionEndpoint, path+"/protocol", fmt.Sprintf("protocol is %s; valid values are %q, %q and %q",
			quoted(*protocol), EndpointProtocolTcpConst, EndpointProtocolUdpConst, EndpointProtocolAllConst))
	}
}

// validPort accepts a port from 1 to 65535, or a range of such ports from low to high.
func validPort(port string) bool {
	match := portPattern.FindStringSubmatch(port)
	if match == nil {
		return false
	}
	low, _ := strconv.Atoi(match[1])
	high := low
	if match[2] != "" {
		high, _ = strconv.Atoi(match[2])
	}
	return low >= 1 && high <= 65535 && low <= high
}

// nothingWhileAccepted reports binding data in a 202: "Information regarding the Service Binding
// (i.e. credentials) MUST NOT be returned in this response" (Binding, Response).
func (v *answerValidator) nothingWhileAccepted(parts bindingParts) {
	var present []string
	for _, field := range []struct {
		name string
		set  bool
	}{
		{"credentials", parts.credentials != nil}, {"syslog_drain_url", parts.syslogDrainURL != nil},
		{"route_service_url", parts.routeServiceURL != nil}, {"volume_mounts", parts.volumeMounts != nil},
		{"endpoints", parts.endpoints != nil},
	} {
		if field.set {
			present = append(present, field.name)
		}
	}
	if len(present) > 0 {
		v.add(FindingAnswerBindingWhileAccepted, sectionBindResponse, "",
			"a 202 Accepted carries "+strings.Join(present, ", ")+"; information regarding the binding MUST NOT be returned in it")
	}
}

// ValidateErrorAnswer reports what in a broker's error answer breaks a rule of Service Broker
// Errors: an error or description present but empty ("If present, MUST be a non-empty string"),
// an OSB error code sent with another status than 422, or to an operation that does not define it
// (ClassifyStatus's ErrorCodes), and instance_usable or update_repeatable in the error of an
// operation they do not belong to ("MUST NOT be present for errors of other operations"). The
// answer is a failure anyway: no finding is malformed. An error the client did not build from an
// answer has no findings.
func ValidateErrorAnswer(brokerErr *BrokerError) []Finding {
	if brokerErr == nil || brokerErr.operationID == "" {
		return nil
	}
	var v answerValidator
	v.errorFields(brokerErr.operationID, brokerErr.Operation, brokerErr.StatusCode, brokerErr.answer)
	return v.findings
}

// ValidateErrorBody applies the rules of ValidateErrorAnswer to an error answer received outside
// this client (by a checker, a proxy): request is the request answered, status and body the
// answer's. An error object whose fields have other types than Service Broker Errors gives
// answer.body.undecodable. The operation is found by the request's method and route, after any
// path the broker's URL has of its own; a body that is not a JSON object, or a request for no
// operation of the specification, has no findings.
func ValidateErrorBody(request *http.Request, status int, body []byte) []Finding {
	var fields map[string]json.RawMessage
	op := routes.operation(request)
	if op == nil || json.Unmarshal(body, &fields) != nil || fields == nil {
		return nil
	}
	var v answerValidator
	var answer ErrorResp
	if err := json.Unmarshal(body, &answer); err != nil {
		v.add(FindingAnswerUndecodable, sectionBrokerErrors, "", "the error is not an object of Service Broker Errors' fields: "+printablePrefix([]byte(err.Error()), maxMessageText))
		return v.findings
	}
	v.errorFields(op.ID, op.Name, status, answer)
	return v.findings
}

// errorFields checks the fields of an error answer to the operation.
func (v *answerValidator) errorFields(operationID, operation string, status int, answer ErrorResp) {
	v.nonEmpty(answer.Error, "/error", sectionBrokerErrors)
	v.nonEmpty(answer.Description, "/description", sectionBrokerErrors)
	code := ""
	if answer.Error != nil {
		code = *answer.Error
	}
	if _, known := sentinelByErrorCode[code]; known {
		defined := ClassifyStatus(operationID, http.StatusUnprocessableEntity).ErrorCodes
		switch {
		case status != http.StatusUnprocessableEntity:
			v.add(FindingAnswerErrorCodeMisplaced, sectionErrorCodes, "/error",
				fmt.Sprintf("%s is an error code of 422 Unprocessable Entity; the broker sent it with %d", code, status))
		case !slices.Contains(defined, code):
			v.add(FindingAnswerErrorCodeMisplaced, sectionErrorCodes, "/error", fmt.Sprintf("%s is not an error code of %s, whose 422 defines %s",
				code, operation, strings.Join(defined, ", ")))
		}
	}
	update, deprovision := operationID == "update_service_instance", operationID == "delete_service_instance"
	if answer.InstanceUsable != nil && !update && !deprovision {
		v.add(FindingAnswerErrorFieldMisplaced, sectionBrokerErrors, "/instance_usable", "instance_usable MUST NOT be present for errors of operations other than an update or a deprovision")
	}
	if answer.UpdateRepeatable != nil && !update {
		v.add(FindingAnswerErrorFieldMisplaced, sectionBrokerErrors, "/update_repeatable", "update_repeatable MUST NOT be present for errors of operations other than an update")
	}
}

package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/osbkit/osb-go-sdk/internal/termtext"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// endpointOf names the endpoint of a request as the specification writes it, e.g.
// "PUT /v2/service_instances/:instance_id"; "" for a path outside the specification.
func endpointOf(method string, u *url.URL) string {
	if strings.HasSuffix(u.EscapedPath(), "/v2/catalog") {
		return method + " /v2/catalog"
	}
	_, bindingID, lastOperation, ok := resourcePath(u)
	if !ok {
		return ""
	}
	path := "/v2/service_instances/:instance_id"
	if bindingID != "" {
		path += "/service_bindings/:binding_id"
	}
	if lastOperation {
		path += "/last_operation"
	}
	return method + " " + path
}

// answerModels are the SDK's models of the successful answers, per endpoint.
var answerModels = map[string]func() any{
	"GET /v2/catalog":                                                        func() any { return new(openservicebrokerv1.BrokerCatalogResp) },
	"PUT /v2/service_instances/:instance_id":                                 func() any { return new(openservicebrokerv1.InstancePutResp) },
	"PATCH /v2/service_instances/:instance_id":                               func() any { return new(openservicebrokerv1.InstancePatchResp) },
	"DELETE /v2/service_instances/:instance_id":                              func() any { return new(openservicebrokerv1.InstanceDeleteResp) },
	"GET /v2/service_instances/:instance_id":                                 func() any { return new(openservicebrokerv1.InstanceGetResp) },
	instancePolls:                                                            func() any { return new(openservicebrokerv1.InstanceLastOperationResp) },
	"PUT /v2/service_instances/:instance_id/service_bindings/:binding_id":    func() any { return new(openservicebrokerv1.BindingPutResp) },
	"GET /v2/service_instances/:instance_id/service_bindings/:binding_id":    func() any { return new(openservicebrokerv1.BindingGetResp) },
	"DELETE /v2/service_instances/:instance_id/service_bindings/:binding_id": func() any { return new(openservicebrokerv1.BindingDeleteResp) },
	bindingPolls: func() any { return new(openservicebrokerv1.BindingLastOperationResp) },
}

// ownedElsewhere are the findings of ValidateAnswer that a check of their own reports.
var ownedElsewhere = map[string]bool{
	openservicebrokerv1.FindingAnswerStateInvalid: true, // last_operation.state-values
}

// bodyShapeProblem says what is wrong with the body of a successful answer of the endpoint: not
// a JSON object, a field of another type than its model's, or a rule of
// openservicebrokerv1.ValidateAnswer broken (a REQUIRED field missing among them). "" when
// nothing is.
func bodyShapeProblem(endpoint string, status int, raw []byte) string {
	model := answerModels[endpoint]
	if model == nil || len(raw) > maxEvidenceBody {
		return ""
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return "the body is empty; the specification expects a JSON object"
	}
	result := model()
	if err := json.Unmarshal(raw, result); err != nil {
		return "the body does not decode as the specification describes it: " + termtext.Clean(err.Error())
	}
	var problems []string
	for _, finding := range openservicebrokerv1.ValidateAnswer(result, status) {
		if ownedElsewhere[finding.ID] {
			continue
		}
		problems = append(problems, fmt.Sprintf("%s: %s (%s)", finding.Path, finding.Message, finding.Section))
	}
	return strings.Join(problems, "; ")
}

// errorBodyProblem says what is wrong with the body of an error answer to request, by the SDK's
// rules (openservicebrokerv1.ValidateErrorBody): error and description, when present, are
// non-empty strings; instance_usable belongs to failed updates and deprovisions, update_repeatable
// to failed updates. Error codes are judged by the checks of the scenarios that provoke them.
func errorBodyProblem(request *http.Request, status int, raw []byte) string {
	var problems []string
	for _, finding := range openservicebrokerv1.ValidateErrorBody(request, status, raw) {
		if finding.ID == openservicebrokerv1.FindingAnswerErrorCodeMisplaced {
			continue
		}
		problems = append(problems, strings.TrimPrefix(finding.Path+": ", ": ")+termtext.Clean(finding.Message))
	}
	return strings.Join(problems, "; ")
}

// statusProblem says why status is not an answer the specification defines for the operation
// of request, by the SDK's status table (openservicebrokerv1.ClassifyReceivedAnswer); "" when
// it is one.
func statusProblem(request *http.Request, status int) string {
	operationID, rule := openservicebrokerv1.ClassifyReceivedAnswer(request, status)
	if operationID == "" || rule.Class != openservicebrokerv1.StatusUndefined {
		return ""
	}
	return fmt.Sprintf("answered %d %s, a status the specification does not define for %s (%s: any other status code MUST be interpreted as a failure)",
		status, http.StatusText(status), operationID, rule.Section)
}

// judgeAnswer notes on the exchange what the answer-wide checks need from its raw body.
func judgeAnswer(exchange *Exchange, request *http.Request, status int, header http.Header, raw []byte) {
	exchange.endpoint = endpointOf(request.Method, request.URL)
	if exchange.endpoint == "" {
		return
	}
	exchange.statusProblem = statusProblem(request, status)
	switch {
	case exchange.statusProblem != "":
		// the specification defines no body for a status it does not define
	case isSuccess(status):
		exchange.shapeProblem = bodyShapeProblem(exchange.endpoint, status, raw)
	case status >= 400:
		exchange.errorProblem = errorBodyProblem(request, status, raw)
	}
	if len(bytes.TrimSpace(raw)) > 0 {
		mediaType, _, err := mime.ParseMediaType(header.Get("Content-Type"))
		exchange.jsonContentType = err == nil && mediaType == "application/json"
		exchange.hasBody = true
	}
}

// answerRule is a check that every answer of an endpoint obeys.
type answerRule struct {
	id CheckID
	// applies says whether the exchange is one the rule is about.
	applies func(e *Exchange) bool
	// problem says what is wrong with it, "" when nothing is.
	problem func(e *Exchange) string
}

var answerRules = []answerRule{
	{AnswersStatusDefined, func(e *Exchange) bool { return e.Status != 0 }, func(e *Exchange) string { return e.statusProblem }},
	{AnswersBodyShape, func(e *Exchange) bool { return isSuccess(e.Status) && e.statusProblem == "" }, func(e *Exchange) string { return e.shapeProblem }},
	{ErrorsDescriptionString, func(e *Exchange) bool { return e.Status >= 400 }, func(e *Exchange) string { return e.errorProblem }},
	{AnswersContentTypeJSON, func(e *Exchange) bool { return e.hasBody }, func(e *Exchange) string {
		if e.jsonContentType {
			return ""
		}
		return fmt.Sprintf("a body with Content-Type %q", e.ResponseHeaders["Content-Type"])
	}},
	{HeadersRequestIdentityEchoed, func(e *Exchange) bool { return e.Status != 0 && e.requestIdentity != "" }, func(e *Exchange) string {
		if echoed := e.rawResponseHeaders.Get(identityHeader); echoed != e.requestIdentity {
			return fmt.Sprintf("sent %s %s, the answer carried %q", identityHeader, e.requestIdentity, echoed)
		}
		return ""
	}},
}

// gradeAnswers grades the rules every answer obeys, once per endpoint, over every exchange of
// the run: the first answer that breaks a rule is the evidence.
func (r *run) gradeAnswers() {
	exchanges := r.recorder.since(0)
	var ids []CheckID
	for _, rule := range answerRules {
		ids = append(ids, rule.id)
	}
	r.begin("broker")
	defer r.end(ids, "no answer of this kind was seen")
	for _, rule := range answerRules {
		seen, broken := map[string]int{}, map[string]bool{}
		var endpoints []string
		for i := range exchanges {
			e := &exchanges[i]
			if e.endpoint == "" || !rule.applies(e) || broken[e.endpoint] {
				continue
			}
			if seen[e.endpoint] == 0 {
				endpoints = append(endpoints, e.endpoint)
			}
			seen[e.endpoint]++
			if problem := rule.problem(e); problem != "" {
				broken[e.endpoint] = true
				r.subject = e.endpoint
				r.grade(rule.id, checkByID[rule.id].violation(), e, "%s", problem)
			}
		}
		for _, endpoint := range endpoints {
			if !broken[endpoint] {
				r.subject = endpoint
				r.grade(rule.id, Pass, nil, "%d answer(s), all as the rule asks", seen[endpoint])
			}
		}
	}
}

package conformance

// This file is the coverage matrix: one row per sentence of the OSB v2.17 specification
// (spec.md and profile.md of openservicebrokerapi/servicebroker) that binds the broker, with the
// checks that test it or why none can. scripts/specclauses lists the sentences; coverage_test.go
// proves that every check has a row and every MUST row a check or a reason.

import "github.com/osbkit/osb-go-sdk/openservicebrokerv1/cataloglint"

// Clause is one sentence of the specification that binds the broker.
type Clause struct {
	// Key is document#anchor:n, the n-th normative sentence under that heading, as
	// scripts/specclauses numbers them.
	Key string `json:"key"`
	// Level is the sentence's strongest keyword (a REQUIRED field of an answer is a MUST).
	Level cataloglint.Level `json:"level"`
	// Rule paraphrases the sentence.
	Rule string `json:"rule"`
	// Checks test the sentence.
	Checks []CheckID `json:"checks,omitempty"`
	// Untestable says why no request from outside the broker can test the sentence.
	Untestable string `json:"untestable,omitempty"`
	// Gap says why the sentence, testable, has no check yet.
	Gap string `json:"gap,omitempty"`
}

// The sentences scripts/specclauses finds that are not in the matrix, and how many there are
// in all.
const (
	// platformClauses bind the platform alone.
	platformClauses = 192
	// notationClauses bind no one: notation, change policy, explanations.
	notationClauses = 40
	// specClauses is every normative sentence of spec.md and profile.md.
	specClauses = 513
)

// Why sentences have no check.
const (
	untestableFree          = "a freedom of the broker: every choice conforms, so there is nothing to fail"
	untestableVendor        = "whether a prefix is unique to its vendor is not something an answer can show"
	untestableTLS           = "the checker talks to the URL it is given; TLS may end in front of the broker, out of its sight"
	untestableOutofband     = "an agreement made out of band between platform and broker; no request shows it"
	untestableJudgement     = "\"appropriate\" is a judgement; where the specification names the status, the row of that status is checked"
	untestableInternal      = "concerns the broker's own resources, which its answers do not show (a GET shows only what the broker chooses to return)"
	untestableStimulus      = "needs a situation the checker cannot bring about from outside: a failure inside the broker, or another client's request at the same moment"
	untestableIdstable      = "ids change when a broker is redeployed or its catalog edited; two reads within one run cannot tell a changed id from a removed and an added resource"
	untestableSemantic      = "depends on what the service and its parameters mean, which only the broker's author knows"
	untestableNoMandatory   = "a poll has no mandatory data, so no poll can be malformed in the sense of this row"
	untestableTime          = "concerns time after the operation or the binding's life; a bounded run cannot wait for it"
	untestableDeclare       = "a declaration only the broker's author can judge: whether a service is bindable, or takes context-only updates"
	untestableService       = "depends on what kind of service is behind the broker (log drain, route service, volume service, network layout)"
	gapContentType          = "not checked yet: needs a request body the broker cannot process, whose refusal a broker may word as 400 or 422"
	gapDashboardFirst       = "not checked yet: needs the dashboard_url of the first answer compared with later answers of the same instance"
	gapGetWhileUpdating     = "not checked yet: needs an asynchronous update in progress on a plan with instances_retrievable"
	gapUpdateKeepsPlan      = "not checked yet: needs instances_retrievable and an update without plan_id read back"
	gapBindAsyncRequired    = "not checked yet: the binding scenario binds with accepts_incomplete=true only"
	gapBindRepeat           = "not checked yet: the binding scenario does not repeat an asynchronous bind while it runs"
	gapBind202NoCredentials = "not checked yet: the body of a 202 to a bind is not read for credentials"
	gapUnbindAsyncRequired  = "not checked yet: the binding scenario unbinds with accepts_incomplete=true only"
	gapUnbindRepeat         = "not checked yet: the binding scenario does not repeat an asynchronous unbind while it runs"
	gapUnbindBusy           = "not checked yet: needs a binding with an operation in progress, which only brokers binding asynchronously have"
	gapMetadataNames        = "not checked yet: the profile's metadata names are a RECOMMENDATION the catalog lint does not read"
)

var coverage = []Clause{
	{Key: "spec.md#api-version-header:2", Level: may, Rule: "a request carrying an API version the broker does not serve may be refused with 412", Checks: []CheckID{VersionUnsupported412}},
	{Key: "spec.md#api-version-header:3", Level: may, Rule: "a request without the API version header may be refused with 400", Checks: []CheckID{VersionMissingHeader}},
	{Key: "spec.md#request-identity:2", Level: may, Rule: "the broker may log the request identity", Untestable: untestableFree},
	{Key: "spec.md#request-identity:3", Level: should, Rule: "the answer carries back the request identity the platform sent", Checks: []CheckID{HeadersRequestIdentityEchoed}},
	{Key: "spec.md#vendor-extension-fields:1", Level: may, Rule: "a broker sending a message may add fields of its own", Untestable: untestableFree},
	{Key: "spec.md#vendor-extension-fields:2", Level: should, Rule: "fields a broker adds use a prefix of their own", Untestable: untestableVendor},
	{Key: "spec.md#vendor-extension-fields:3", Level: must, Rule: "unknown fields in a request are ignored and do not stop its processing", Checks: []CheckID{RequestsVendorExtensionsIgnored}},
	{Key: "spec.md#platform-to-service-broker-authentication:1", Level: should, Rule: "the broker is reached over TLS", Untestable: untestableTLS},
	{Key: "spec.md#platform-to-service-broker-authentication:2", Level: should, Rule: "platform and broker agree on the kind of certificate", Untestable: untestableOutofband},
	{Key: "spec.md#platform-to-service-broker-authentication:4", Level: may, Rule: "platform and broker may agree on another authentication than basic", Untestable: untestableFree},
	{Key: "spec.md#platform-to-service-broker-authentication:5", Level: must, Rule: "a request that does not authenticate gets 401 Unauthorized", Checks: []CheckID{AuthMissingCredentials401, AuthWrongCredentials401}},
	{Key: "spec.md#url-properties:1", Level: should, Rule: "ids are not restricted to unreserved characters: a broker serves an id with \":\" and \"/\" in it", Checks: []CheckID{IDsLongCRN}},
	{Key: "spec.md#service-broker-errors:1", Level: must, Rule: "a failed request gets a fitting HTTP status", Untestable: untestableJudgement},
	{Key: "spec.md#service-broker-errors:2", Level: must, Rule: "where the specification names the status of an answer, the broker uses it", Checks: []CheckID{ProvisionSync201New, Bind201New, DeprovisionMissing410, UnbindMissing410, InstanceGetMissing404, BindingGetMissing404, LastOperationMissing404, RequestsMalformed400}},
	{Key: "spec.md#service-broker-errors:3", Level: must, Rule: "an error's error field, when present, is a non-empty string", Checks: []CheckID{ErrorsDescriptionString}},
	{Key: "spec.md#service-broker-errors:4", Level: must, Rule: "an error's description, when present, is a non-empty string", Checks: []CheckID{ErrorsDescriptionString}},
	{Key: "spec.md#service-broker-errors:5", Level: must, Rule: "instance_usable appears only in the error of an update or deprovision", Checks: []CheckID{ErrorsDescriptionString}},
	{Key: "spec.md#service-broker-errors:6", Level: may, Rule: "update_repeatable tells whether the same update may succeed when repeated", Untestable: untestableFree},
	{Key: "spec.md#service-broker-errors:7", Level: must, Rule: "update_repeatable appears only in the error of an update", Checks: []CheckID{ErrorsDescriptionString}},
	{Key: "spec.md#error-codes:1", Level: must, Rule: "the situations the specification names carry their error code in the error field", Checks: []CheckID{ErrorsErrorCode}},
	{Key: "spec.md#error-codes:2", Level: must, Rule: "the broker uses the specification's error codes for the situations they name", Checks: []CheckID{ErrorsErrorCode}},
	{Key: "spec.md#error-codes:7", Level: must, Rule: "a 4xx answer leaves the broker's resources as they were", Untestable: untestableInternal},
	{Key: "spec.md#error-codes:8", Level: should, Rule: "a 5xx answer leaves the broker's resources as they were, as far as it can", Untestable: untestableStimulus},
	{Key: "spec.md#content-type:1", Level: should, Rule: "an answer with a body says Content-Type: application/json", Checks: []CheckID{AnswersContentTypeJSON}},
	{Key: "spec.md#content-type:2", Level: may, Rule: "a body without Content-Type may still be processed", Untestable: untestableFree},
	{Key: "spec.md#content-type:3", Level: should, Rule: "a request with a mismatched Content-Type or a body that cannot be processed gets 400", Gap: gapContentType},
	{Key: "spec.md#catalog-management:2", Level: may, Rule: "the broker may change its catalog between reads", Untestable: untestableFree},
	{Key: "spec.md#catalog-management:4", Level: must, Rule: "the id of an offering or plan never changes between catalog reads", Untestable: untestableIdstable},
	{Key: "spec.md#catalog-management:7", Level: should, Rule: "catalog strings stay within 255 characters", Checks: []CheckID{CatalogStringLength}},
	{Key: "spec.md#catalog-management:8", Level: may, Rule: "the catalog endpoint may support ETag and If-Modified-Since", Untestable: untestableFree},
	{Key: "spec.md#response:1", Level: must, Rule: "GET /v2/catalog answers 200", Checks: []CheckID{CatalogFetch}},
	{Key: "spec.md#body:1", Level: must, Rule: "a CLI-friendly string uses only alphanumerics, periods and hyphens", Checks: []CheckID{CatalogNamesCLIFriendly}},
	{Key: "spec.md#body:3", Level: should, Rule: "names that differ only in case are avoided", Checks: []CheckID{CatalogNamesCLIFriendly}},
	{Key: "spec.md#body:4", Level: must, Rule: "the catalog carries services", Checks: []CheckID{CatalogFetch, AnswersBodyShape}},
	{Key: "spec.md#body:5", Level: may, Rule: "the list of services may be empty", Untestable: untestableFree},
	{Key: "spec.md#service-offering-object:1", Level: must, Rule: "every offering has a name", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-offering-object:2", Level: must, Rule: "offering names are unique within the catalog", Checks: []CheckID{CatalogNamesUnique}},
	{Key: "spec.md#service-offering-object:3", Level: must, Rule: "an offering's name is not empty", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-offering-object:4", Level: should, Rule: "an offering's name is CLI-friendly", Checks: []CheckID{CatalogNamesCLIFriendly}},
	{Key: "spec.md#service-offering-object:5", Level: must, Rule: "every offering has an id", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-offering-object:6", Level: must, Rule: "offering ids are globally unique", Checks: []CheckID{CatalogIDsUnique}},
	{Key: "spec.md#service-offering-object:7", Level: must, Rule: "an offering's id is not empty", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-offering-object:8", Level: should, Rule: "an offering's id is a GUID", Checks: []CheckID{CatalogIDsGUID}},
	{Key: "spec.md#service-offering-object:9", Level: must, Rule: "every offering has a description", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-offering-object:10", Level: must, Rule: "an offering's description is not empty", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-offering-object:11", Level: must, Rule: "every offering says whether it is bindable", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-offering-object:12", Level: must, Rule: "every offering lists its plans", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-offering-object:13", Level: must, Rule: "an offering has at least one plan", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-plan-object:1", Level: must, Rule: "every plan has an id", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-plan-object:2", Level: must, Rule: "plan ids are globally unique", Checks: []CheckID{CatalogIDsUnique}},
	{Key: "spec.md#service-plan-object:3", Level: must, Rule: "a plan's id is not empty", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-plan-object:4", Level: should, Rule: "a plan's id is a GUID", Checks: []CheckID{CatalogIDsGUID}},
	{Key: "spec.md#service-plan-object:5", Level: must, Rule: "every plan has a name", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-plan-object:6", Level: must, Rule: "plan names are unique within their offering", Checks: []CheckID{CatalogNamesUnique}},
	{Key: "spec.md#service-plan-object:7", Level: must, Rule: "a plan's name is not empty", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-plan-object:8", Level: should, Rule: "a plan's name is CLI-friendly", Checks: []CheckID{CatalogNamesCLIFriendly}},
	{Key: "spec.md#service-plan-object:9", Level: must, Rule: "every plan has a description", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-plan-object:10", Level: must, Rule: "a plan's description is not empty", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#service-plan-object:11", Level: may, Rule: "a plan's free field may be left out", Untestable: untestableFree},
	{Key: "spec.md#service-plan-object:12", Level: may, Rule: "a plan's bindable field may be left out", Untestable: untestableFree},
	{Key: "spec.md#service-plan-object:13", Level: should, Rule: "a plan's maximum_polling_duration is a duration a platform can use", Checks: []CheckID{CatalogMaximumPollingDuration}},
	{Key: "spec.md#service-plan-object:14", Level: must, Rule: "a plan's maintenance_info carries a version", Checks: []CheckID{CatalogRequiredFields, CatalogMaintenanceInfoSemver}},
	{Key: "spec.md#input-parameters-schema-object:3", Level: must, Rule: "every parameters schema names its $schema", Checks: []CheckID{CatalogSchemasValid}},
	{Key: "spec.md#input-parameters-schema-object:4", Level: must, Rule: "a parameters schema refers to nothing outside itself", Checks: []CheckID{CatalogSchemasValid}},
	{Key: "spec.md#input-parameters-schema-object:5", Level: must, Rule: "a parameters schema is at most 64 kB", Checks: []CheckID{CatalogSchemasValid}},
	{Key: "spec.md#maintenance-info-object:1", Level: must, Rule: "maintenance_info carries a version", Checks: []CheckID{CatalogRequiredFields}},
	{Key: "spec.md#maintenance-info-object:2", Level: must, Rule: "maintenance_info.version is a Semantic Versioning 2.0 version", Checks: []CheckID{CatalogMaintenanceInfoSemver}},
	{Key: "spec.md#maintenance-info-object:4", Level: should, Rule: "maintenance_info.description tells the impact of the update", Untestable: untestableSemantic},
	{Key: "spec.md#synchronous-and-asynchronous-operations:1", Level: should, Rule: "the broker answers promptly", Checks: []CheckID{BrokerAnswersWithin60s}},
	{Key: "spec.md#synchronous-and-asynchronous-operations:2", Level: should, Rule: "a broker that can finish an operation within the request answers synchronously", Untestable: untestableInternal},
	{Key: "spec.md#synchronous-and-asynchronous-operations:3", Level: should, Rule: "a broker that cannot finish an operation within the request answers asynchronously", Untestable: untestableInternal},
	{Key: "spec.md#synchronous-and-asynchronous-operations:4", Level: may, Rule: "offerings and plans may differ in being synchronous or asynchronous", Untestable: untestableFree},
	{Key: "spec.md#synchronous-operations:1", Level: may, Rule: "200 may answer a repeated provision whose parameters did not change", Untestable: untestableFree},
	{Key: "spec.md#asynchronous-operations:1", Level: must, Rule: "a broker answers 202 only to a request with accepts_incomplete=true", Checks: []CheckID{ProvisionAsyncRequired422}},
	{Key: "spec.md#asynchronous-operations:2", Level: must, Rule: "a request the broker can only serve asynchronously, sent without accepts_incomplete=true, gets 422 AsyncRequired", Checks: []CheckID{ProvisionAsyncRequired422, ErrorsErrorCode}},
	{Key: "spec.md#asynchronous-operations:3", Level: may, Rule: "the AsyncRequired error may carry a description", Untestable: untestableFree},
	{Key: "spec.md#asynchronous-operations:4", Level: must, Rule: "a request served asynchronously gets 202 Accepted", Checks: []CheckID{ProvisionAsync202ThenSucceeded, BindAsync202ThenSucceeded}},
	{Key: "spec.md#asynchronous-operations:5", Level: may, Rule: "last_operation may carry a description of the progress", Untestable: untestableFree},
	{Key: "spec.md#blocking-operations:1", Level: may, Rule: "the broker chooses how far it serves concurrent requests", Untestable: untestableFree},
	{Key: "spec.md#blocking-operations:2", Level: must, Rule: "a request refused for a concurrency reason gets 422 ConcurrencyError", Checks: []CheckID{ConcurrencyBusyInstance, ErrorsErrorCode}},
	{Key: "spec.md#blocking-operations:3", Level: may, Rule: "the ConcurrencyError may carry a description", Untestable: untestableFree},
	{Key: "spec.md#blocking-operations:5", Level: may, Rule: "a bind may count as a change of its instance", Untestable: untestableFree},
	{Key: "spec.md#response-1:1", Level: must, Rule: "polling an instance's last operation answers 200 with its state", Checks: []CheckID{LastOperationStateValues, AnswersBodyShape}},
	{Key: "spec.md#response-1:2", Level: must, Rule: "a malformed poll gets 400", Untestable: untestableNoMandatory},
	{Key: "spec.md#response-1:3", Level: may, Rule: "a poll with invalid data may get 400", Untestable: untestableFree},
	{Key: "spec.md#response-1:4", Level: must, Rule: "polling an instance that does not exist gets 404", Checks: []CheckID{LastOperationMissing404}},
	{Key: "spec.md#body-1:1", Level: must, Rule: "an instance's last operation carries state", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#body-1:4", Level: must, Rule: "the last operation's description, when present, is a string", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#body-1:5", Level: must, Rule: "instance_usable comes only with the last operation of an update or deprovision", Checks: []CheckID{LastOperationOperationFields}},
	{Key: "spec.md#body-1:6", Level: may, Rule: "update_repeatable says whether a failed update may succeed when repeated", Untestable: untestableFree},
	{Key: "spec.md#body-1:7", Level: must, Rule: "update_repeatable comes only with the last operation of an update", Checks: []CheckID{LastOperationOperationFields}},
	{Key: "spec.md#body-1:8", Level: may, Rule: "a poll may carry Retry-After", Checks: []CheckID{LastOperationRetryAfter}},
	{Key: "spec.md#body-1:9", Level: should, Rule: "Retry-After says how long to wait before the next poll", Checks: []CheckID{LastOperationRetryAfter}},
	{Key: "spec.md#body-1:10", Level: should, Rule: "Retry-After preferably gives a number of seconds", Checks: []CheckID{LastOperationRetryAfter}},
	{Key: "spec.md#body-1:12", Level: should, Rule: "the state of an ended operation stays readable for a while", Untestable: untestableTime},
	{Key: "spec.md#parameters-1:4", Level: may, Rule: "without an operation field only one asynchronous operation may run at a time", Untestable: untestableFree},
	{Key: "spec.md#response-2:1", Level: must, Rule: "polling a binding's last operation answers 200 with its state", Checks: []CheckID{LastOperationStateValues, AnswersBodyShape}},
	{Key: "spec.md#response-2:2", Level: must, Rule: "a malformed binding poll gets 400", Untestable: untestableNoMandatory},
	{Key: "spec.md#response-2:3", Level: may, Rule: "a binding poll with invalid data may get 400", Untestable: untestableFree},
	{Key: "spec.md#response-2:4", Level: must, Rule: "polling a binding that does not exist gets 404", Checks: []CheckID{LastOperationMissing404}},
	{Key: "spec.md#body-2:1", Level: must, Rule: "a binding's last operation carries state", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#body-2:4", Level: may, Rule: "a binding poll may carry Retry-After", Checks: []CheckID{LastOperationRetryAfter}},
	{Key: "spec.md#body-2:5", Level: should, Rule: "Retry-After says how long to wait before the next binding poll", Checks: []CheckID{LastOperationRetryAfter}},
	{Key: "spec.md#body-2:6", Level: should, Rule: "Retry-After of a binding poll preferably gives a number of seconds", Checks: []CheckID{LastOperationRetryAfter}},
	{Key: "spec.md#body-2:8", Level: should, Rule: "the state of an ended binding operation stays readable for a while", Untestable: untestableTime},
	{Key: "spec.md#polling-interval-and-duration:2", Level: should, Rule: "a plan may bound how long a platform polls; its operations end within it", Checks: []CheckID{LastOperationWithinMaximumPollingDuration}},
	{Key: "spec.md#provisioning:1", Level: must, Rule: "a provision creates the instance", Checks: []CheckID{ProvisionSync201New, ProvisionAsync202ThenSucceeded}},
	{Key: "spec.md#parameters-2:1", Level: must, Rule: "a provision the broker can only serve asynchronously, sent without accepts_incomplete=true, gets 422 AsyncRequired", Checks: []CheckID{ProvisionAsyncRequired422}},
	{Key: "spec.md#body-3:6", Level: should, Rule: "the broker validates the parameters of a provision", Untestable: untestableSemantic},
	{Key: "spec.md#body-3:8", Level: must, Rule: "a provision whose maintenance_info.version is not the plan's gets 422 MaintenanceInfoConflict", Checks: []CheckID{UpdateMaintenanceInfoConflict422}},
	{Key: "spec.md#response-3:1", Level: should, Rule: "an identical provision of an existing instance gets 200", Checks: []CheckID{ProvisionSync200IdenticalRepeat}},
	{Key: "spec.md#response-3:2", Level: must, Rule: "a provision that created the instance gets 201", Checks: []CheckID{ProvisionSync201New}},
	{Key: "spec.md#response-3:3", Level: must, Rule: "a provision in progress gets 202", Checks: []CheckID{ProvisionAsync202ThenSucceeded}},
	{Key: "spec.md#response-3:4", Level: must, Rule: "a repeated provision in progress carries the first answer's operation", Checks: []CheckID{ProvisionAsync202RepeatSameOperation}},
	{Key: "spec.md#response-3:5", Level: must, Rule: "a repeated provision gets 202, not 200, until the instance is ready", Checks: []CheckID{ProvisionAsync202RepeatSameOperation}},
	{Key: "spec.md#response-3:6", Level: must, Rule: "a malformed provision gets 400", Checks: []CheckID{RequestsMalformed400}},
	{Key: "spec.md#response-3:7", Level: may, Rule: "a provision with invalid data may get 400", Untestable: untestableFree},
	{Key: "spec.md#response-3:8", Level: must, Rule: "a provision of an existing id with other attributes gets 409", Checks: []CheckID{Provision409ConflictingRepeat}},
	{Key: "spec.md#response-3:9", Level: must, Rule: "a provision of an asynchronous-only plan without accepts_incomplete=true gets 422", Checks: []CheckID{ProvisionAsyncRequired422}},
	{Key: "spec.md#response-3:10", Level: must, Rule: "that 422 carries AsyncRequired", Checks: []CheckID{ErrorsErrorCode}},
	{Key: "spec.md#response-3:11", Level: may, Rule: "the AsyncRequired error may carry a description", Untestable: untestableFree},
	{Key: "spec.md#response-3:12", Level: must, Rule: "a provision with a maintenance_info.version other than the plan's gets 422", Checks: []CheckID{UpdateMaintenanceInfoConflict422}},
	{Key: "spec.md#response-3:13", Level: must, Rule: "that 422 carries MaintenanceInfoConflict", Checks: []CheckID{ErrorsErrorCode}},
	{Key: "spec.md#response-3:14", Level: may, Rule: "the MaintenanceInfoConflict error may carry a description", Untestable: untestableFree},
	{Key: "spec.md#body-4:1", Level: must, Rule: "a dashboard_url identifies the instance", Untestable: untestableSemantic},
	{Key: "spec.md#body-4:2", Level: must, Rule: "a dashboard_url comes with the first answer to the provision", Checks: []CheckID{ProvisionDashboardURLFirst}},
	{Key: "spec.md#body-4:3", Level: must, Rule: "dashboard_url is a string or null", Checks: []CheckID{ProvisionDashboardURL, AnswersBodyShape}},
	{Key: "spec.md#body-4:4", Level: may, Rule: "an asynchronous provision may answer with an operation", Checks: []CheckID{ProvisionAsyncOperation}},
	{Key: "spec.md#body-4:6", Level: must, Rule: "the operation has at most 10,000 characters", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#body-4:7", Level: may, Rule: "the provision may answer with metadata, an object", Checks: []CheckID{ProvisionMetadataShape}},
	{Key: "spec.md#fetching-a-service-instance:1", Level: must, Rule: "with instances_retrievable, GET of an instance is served", Checks: []CheckID{InstanceGet}},
	{Key: "spec.md#response-4:1", Level: must, Rule: "GET of an instance that does not exist (or is still provisioning) gets 404", Checks: []CheckID{InstanceGetMissing404}},
	{Key: "spec.md#response-4:2", Level: must, Rule: "GET of an instance being updated gets 422", Gap: gapGetWhileUpdating},
	{Key: "spec.md#response-4:3", Level: must, Rule: "that 422 carries ConcurrencyError", Checks: []CheckID{ErrorsErrorCode}},
	{Key: "spec.md#body-5:1", Level: must, Rule: "a fetched dashboard_url identifies the instance", Untestable: untestableSemantic},
	{Key: "spec.md#body-5:2", Level: must, Rule: "a dashboard_url comes with the first answer to the provision", Checks: []CheckID{ProvisionDashboardURLFirst}},
	{Key: "spec.md#body-5:3", Level: may, Rule: "a fetched instance may carry maintenance_info", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#body-5:6", Level: may, Rule: "a fetched instance may carry metadata, an object", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#body-5:7", Level: may, Rule: "a fetched instance may leave out parameters", Checks: []CheckID{InstanceGet}},
	{Key: "spec.md#updating-a-service-instance:2", Level: must, Rule: "a broker that takes context-only updates declares allow_context_updates", Untestable: untestableDeclare},
	{Key: "spec.md#updating-a-service-instance:3", Level: must, Rule: "a broker that changes plans declares plan_updateable", Checks: []CheckID{UpdatePlanChange}},
	{Key: "spec.md#updating-a-service-instance:6", Level: should, Rule: "an unsupported plan change is refused with a meaningful message", Untestable: untestableSemantic},
	{Key: "spec.md#parameters-4:1", Level: must, Rule: "an update the broker can only do asynchronously, sent without accepts_incomplete=true, gets 422 AsyncRequired", Checks: []CheckID{ProvisionAsyncRequired422}},
	{Key: "spec.md#body-6:3", Level: must, Rule: "an update without plan_id leaves the instance's plan as it was", Gap: gapUpdateKeepsPlan},
	{Key: "spec.md#body-6:4", Level: should, Rule: "the broker validates the parameters of an update", Untestable: untestableSemantic},
	{Key: "spec.md#body-6:6", Level: must, Rule: "an update whose maintenance_info.version is not the plan's gets 422 MaintenanceInfoConflict", Checks: []CheckID{UpdateMaintenanceInfoConflict422}},
	{Key: "spec.md#previous-values-object:7", Level: must, Rule: "how the broker reads previous_values is its own, but an update carrying them is served", Checks: []CheckID{UpdatePreviousValues}},
	{Key: "spec.md#response-5:1", Level: must, Rule: "an applied update gets 200", Checks: []CheckID{UpdatePreviousValues, UpdatePlanChange}},
	{Key: "spec.md#response-5:2", Level: must, Rule: "an update in progress gets 202", Checks: []CheckID{UpdatePreviousValues, UpdatePlanChange}},
	{Key: "spec.md#response-5:3", Level: must, Rule: "a repeated update in progress carries the first answer's operation", Checks: []CheckID{ProvisionAsync202RepeatSameOperation}},
	{Key: "spec.md#response-5:4", Level: must, Rule: "a repeated update gets 202, not 200, until it ends", Checks: []CheckID{ProvisionAsync202RepeatSameOperation}},
	{Key: "spec.md#response-5:5", Level: must, Rule: "a malformed update gets 400", Checks: []CheckID{RequestsMalformed400}},
	{Key: "spec.md#response-5:6", Level: may, Rule: "an update with invalid data may get 400", Untestable: untestableFree},
	{Key: "spec.md#response-5:7", Level: must, Rule: "an unsupported change gets 422", Checks: []CheckID{UpdatePreviousValues, UpdatePlanChange}},
	{Key: "spec.md#response-5:8", Level: must, Rule: "an update the broker can only do asynchronously, without accepts_incomplete=true, gets 422", Checks: []CheckID{ProvisionAsyncRequired422}},
	{Key: "spec.md#response-5:9", Level: may, Rule: "that error may carry a description", Untestable: untestableFree},
	{Key: "spec.md#response-5:10", Level: must, Rule: "an update with a stale maintenance_info.version gets 422", Checks: []CheckID{UpdateMaintenanceInfoConflict422}},
	{Key: "spec.md#response-5:11", Level: must, Rule: "that 422 carries MaintenanceInfoConflict", Checks: []CheckID{ErrorsErrorCode}},
	{Key: "spec.md#response-5:12", Level: may, Rule: "that error may carry a description", Untestable: untestableFree},
	{Key: "spec.md#response-5:14", Level: must, Rule: "a refused update changes nothing", Untestable: untestableInternal},
	{Key: "spec.md#response-5:15", Level: may, Rule: "another update may repair an unusable instance", Untestable: untestableFree},
	{Key: "spec.md#response-5:20", Level: may, Rule: "other updates may still be possible", Untestable: untestableFree},
	{Key: "spec.md#body-7:1", Level: must, Rule: "an update's dashboard_url identifies the instance", Untestable: untestableSemantic},
	{Key: "spec.md#body-7:2", Level: must, Rule: "a dashboard_url that changes comes with the first answer to the update", Untestable: untestableSemantic},
	{Key: "spec.md#body-7:4", Level: may, Rule: "an asynchronous update may answer with an operation", Untestable: untestableFree},
	{Key: "spec.md#body-7:6", Level: must, Rule: "the update's operation is a string", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#body-7:7", Level: may, Rule: "the update may answer with metadata, an object", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#service-instance-metadata:3", Level: may, Rule: "metadata attributes are broker-specific key-value pairs", Checks: []CheckID{ProvisionMetadataShape}},
	{Key: "spec.md#binding:3", Level: must, Rule: "a broker with bindable services declares them bindable (a plan with a binding schema is bindable)", Checks: []CheckID{CatalogBindingSchemaBindable}},
	{Key: "spec.md#binding:4", Level: may, Rule: "a broker may return a binding's information only once", Checks: []CheckID{BindingGet}},
	{Key: "spec.md#binding:5", Level: must, Rule: "a binding's information is returned at least once", Checks: []CheckID{BindCredentials}},
	{Key: "spec.md#binding:6", Level: should, Rule: "the broker provides the endpoints an application connects to", Untestable: untestableService},
	{Key: "spec.md#binding-rotation:4", Level: must, Rule: "a rotated binding and its successor are both valid until they expire or are deleted", Checks: []CheckID{BindRotation}},
	{Key: "spec.md#credentials:1", Level: should, Rule: "credentials are unique to each binding", Untestable: untestableService},
	{Key: "spec.md#credentials:2", Level: should, Rule: "the broker lists the hosts and ports the application uses", Untestable: untestableService},
	{Key: "spec.md#log-drain:1", Level: must, Rule: "a log drain service's binding carries syslog_drain_url", Untestable: untestableService},
	{Key: "spec.md#route-services:1", Level: must, Rule: "a route service declares requires route_forwarding", Checks: []CheckID{BindShape, CatalogRequiresKnown}},
	{Key: "spec.md#route-services:3", Level: may, Rule: "a route service may take address-specific parameters", Untestable: untestableFree},
	{Key: "spec.md#route-services:4", Level: must, Rule: "a route service deployed to proxy returns route_service_url", Untestable: untestableService},
	{Key: "spec.md#route-services:5", Level: must, Rule: "a route service whose proxying is managed elsewhere returns no route_service_url", Untestable: untestableService},
	{Key: "spec.md#volume-services:1", Level: must, Rule: "a volume service's binding carries volume_mounts", Untestable: untestableService},
	{Key: "spec.md#parameters-5:1", Level: must, Rule: "a bind the broker can only do asynchronously, without accepts_incomplete=true, gets 422 AsyncRequired", Gap: gapBindAsyncRequired},
	{Key: "spec.md#body-8:4", Level: should, Rule: "the broker validates the parameters of a bind", Untestable: untestableSemantic},
	{Key: "spec.md#response-6:1", Level: should, Rule: "an identical bind of an existing binding gets 200", Checks: []CheckID{Bind200IdenticalRepeat}},
	{Key: "spec.md#response-6:2", Level: must, Rule: "a bind that created the binding gets 201", Checks: []CheckID{Bind201New}},
	{Key: "spec.md#response-6:3", Level: must, Rule: "a bind in progress gets 202", Checks: []CheckID{BindAsync202ThenSucceeded}},
	{Key: "spec.md#response-6:4", Level: must, Rule: "a repeated bind in progress carries the first answer's operation", Checks: []CheckID{ProvisionAsync202RepeatSameOperation}},
	{Key: "spec.md#response-6:5", Level: must, Rule: "a 202 to a bind carries no credentials", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#response-6:6", Level: must, Rule: "a repeated bind gets 202, not 200, until the binding is ready", Checks: []CheckID{ProvisionAsync202RepeatSameOperation}},
	{Key: "spec.md#response-6:7", Level: must, Rule: "a malformed bind gets 400", Checks: []CheckID{RequestsMalformed400}},
	{Key: "spec.md#response-6:8", Level: may, Rule: "a bind with invalid data may get 400", Untestable: untestableFree},
	{Key: "spec.md#response-6:9", Level: must, Rule: "a bind of an existing id with other parameters gets 409", Checks: []CheckID{Bind409ConflictingRepeat}},
	{Key: "spec.md#response-6:10", Level: must, Rule: "a broker that needs app_guid refuses a bind without it with 422", Checks: []CheckID{BindRequiresApp422}},
	{Key: "spec.md#response-6:11", Level: must, Rule: "that 422 carries RequiresApp", Checks: []CheckID{ErrorsErrorCode}},
	{Key: "spec.md#response-6:12", Level: may, Rule: "that error may carry a description", Untestable: untestableFree},
	{Key: "spec.md#response-6:13", Level: must, Rule: "a bind refused for a concurrent bind on the instance gets 422 ConcurrencyError", Untestable: untestableStimulus},
	{Key: "spec.md#response-6:14", Level: must, Rule: "a bind the broker can only do asynchronously, without accepts_incomplete=true, gets 422", Gap: gapBindAsyncRequired},
	{Key: "spec.md#response-6:15", Level: must, Rule: "that 422 carries AsyncRequired", Checks: []CheckID{ErrorsErrorCode}},
	{Key: "spec.md#response-6:16", Level: may, Rule: "that error may carry a description", Untestable: untestableFree},
	{Key: "spec.md#body-9:1", Level: may, Rule: "an asynchronous bind may answer with an operation", Untestable: untestableFree},
	{Key: "spec.md#body-9:3", Level: must, Rule: "the bind's operation has at most 10,000 characters", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#body-9:4", Level: may, Rule: "the bind may answer with metadata, an object", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#body-9:5", Level: should, Rule: "binding metadata holds nothing needed to connect", Untestable: untestableSemantic},
	{Key: "spec.md#body-9:6", Level: must, Rule: "a broker that generates credentials returns them", Checks: []CheckID{BindCredentials}},
	{Key: "spec.md#body-9:7", Level: must, Rule: "logs are streamed to syslog_drain_url", Untestable: untestableService},
	{Key: "spec.md#body-9:8", Level: must, Rule: "a binding with syslog_drain_url belongs to an offering that requires syslog_drain", Checks: []CheckID{BindShape}},
	{Key: "spec.md#body-9:10", Level: must, Rule: "a binding with route_service_url belongs to an offering that requires route_forwarding", Checks: []CheckID{BindShape}},
	{Key: "spec.md#body-9:11", Level: must, Rule: "a binding with volume_mounts belongs to an offering that requires volume_mount", Checks: []CheckID{BindShape}},
	{Key: "spec.md#body-9:12", Level: must, Rule: "endpoints lists every endpoint relevant to the application", Untestable: untestableService},
	{Key: "spec.md#binding-metadata-object:1", Level: should, Rule: "a binding becomes invalid at expires_at", Untestable: untestableTime},
	{Key: "spec.md#binding-metadata-object:2", Level: must, Rule: "expires_at follows ISO 8601 as yyyy-mm-ddThh:mm:ss.sZ", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#binding-metadata-object:3", Level: should, Rule: "a binding is renewed before renew_before", Untestable: untestableTime},
	{Key: "spec.md#binding-metadata-object:6", Level: must, Rule: "renew_before is not after expires_at", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#binding-metadata-object:7", Level: should, Rule: "the broker leaves time between renew_before and expires_at", Untestable: untestableTime},
	{Key: "spec.md#binding-metadata-object:8", Level: must, Rule: "renew_before follows ISO 8601 as yyyy-mm-ddThh:mm:ss.sZ", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#volume-mount-object:1", Level: must, Rule: "a volume mount carries driver", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#volume-mount-object:2", Level: must, Rule: "a volume mount carries container_dir", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#volume-mount-object:3", Level: must, Rule: "a volume mount carries mode", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#volume-mount-object:4", Level: must, Rule: "a volume mount carries device_type", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#volume-mount-object:5", Level: must, Rule: "a volume mount carries device", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#device-object:1", Level: must, Rule: "a device carries volume_id", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#endpoint-object:1", Level: must, Rule: "an endpoint carries host", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#endpoint-object:2", Level: must, Rule: "an endpoint carries ports", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#parameters-6:1", Level: must, Rule: "a rotation the broker can only do asynchronously, without accepts_incomplete=true, gets 422 AsyncRequired", Gap: gapBindAsyncRequired},
	{Key: "spec.md#fetching-a-service-binding:1", Level: must, Rule: "with bindings_retrievable, GET of a binding is served", Checks: []CheckID{BindingGet}},
	{Key: "spec.md#response-8:1", Level: must, Rule: "GET of a binding that does not exist (or is still being created) gets 404", Checks: []CheckID{BindingGetMissing404}},
	{Key: "spec.md#body-11:1", Level: may, Rule: "a fetched binding may carry metadata, an object", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#body-11:2", Level: should, Rule: "fetched binding metadata holds nothing needed to connect", Untestable: untestableSemantic},
	{Key: "spec.md#body-11:3", Level: must, Rule: "a binding created asynchronously is fetched with its credentials", Checks: []CheckID{BindingGet}},
	{Key: "spec.md#body-11:4", Level: must, Rule: "logs are streamed to the fetched syslog_drain_url", Untestable: untestableService},
	{Key: "spec.md#body-11:5", Level: must, Rule: "a fetched binding with syslog_drain_url belongs to an offering that requires syslog_drain", Checks: []CheckID{BindShape}},
	{Key: "spec.md#body-11:7", Level: must, Rule: "a fetched binding with route_service_url belongs to an offering that requires route_forwarding", Checks: []CheckID{BindShape}},
	{Key: "spec.md#body-11:8", Level: must, Rule: "a fetched binding with volume_mounts belongs to an offering that requires volume_mount", Checks: []CheckID{BindShape}},
	{Key: "spec.md#body-11:9", Level: must, Rule: "the fetched endpoints list every endpoint relevant to the application", Untestable: untestableService},
	{Key: "spec.md#body-11:10", Level: may, Rule: "a fetched binding may leave out parameters", Untestable: untestableFree},
	{Key: "spec.md#unbinding:1", Level: must, Rule: "an unbind removes the binding", Checks: []CheckID{Unbind200Or202}},
	{Key: "spec.md#unbinding:2", Level: must, Rule: "an unbind accepted while the bind runs stops the bind and removes what it made", Untestable: untestableStimulus},
	{Key: "spec.md#parameters-8:3", Level: must, Rule: "an unbind the broker can only do asynchronously, without accepts_incomplete=true, gets 422 AsyncRequired", Checks: []CheckID{ProvisionAsyncRequired422}},
	{Key: "spec.md#response-9:1", Level: must, Rule: "an unbind that removed the binding gets 200", Checks: []CheckID{Unbind200Or202}},
	{Key: "spec.md#response-9:2", Level: must, Rule: "an unbind in progress gets 202", Checks: []CheckID{Unbind200Or202}},
	{Key: "spec.md#response-9:3", Level: must, Rule: "a repeated unbind in progress carries the first answer's operation", Checks: []CheckID{ProvisionAsync202RepeatSameOperation}},
	{Key: "spec.md#response-9:4", Level: must, Rule: "a repeated unbind gets 202, not 200, until it ends", Checks: []CheckID{ProvisionAsync202RepeatSameOperation}},
	{Key: "spec.md#response-9:5", Level: must, Rule: "a malformed unbind gets 400", Checks: []CheckID{RequestsMalformed400}},
	{Key: "spec.md#response-9:6", Level: may, Rule: "an unbind with invalid data may get 400", Untestable: untestableFree},
	{Key: "spec.md#response-9:7", Level: must, Rule: "unbinding a binding that does not exist gets 410", Checks: []CheckID{UnbindMissing410}},
	{Key: "spec.md#response-9:8", Level: must, Rule: "an unbind the broker can only do asynchronously, without accepts_incomplete=true, gets 422", Checks: []CheckID{ProvisionAsyncRequired422}},
	{Key: "spec.md#response-9:9", Level: must, Rule: "that 422 carries AsyncRequired", Checks: []CheckID{ErrorsErrorCode}},
	{Key: "spec.md#response-9:10", Level: may, Rule: "that error may carry a description", Untestable: untestableFree},
	{Key: "spec.md#response-9:11", Level: must, Rule: "an unbind of a binding another operation is working on gets 422", Gap: gapUnbindBusy},
	{Key: "spec.md#response-9:12", Level: must, Rule: "that 422 carries ConcurrencyError", Checks: []CheckID{ErrorsErrorCode}},
	{Key: "spec.md#body-12:1", Level: may, Rule: "an asynchronous unbind may answer with an operation", Untestable: untestableFree},
	{Key: "spec.md#body-12:3", Level: must, Rule: "the unbind's operation has at most 10,000 characters", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#deprovisioning:1", Level: must, Rule: "a deprovision removes what the provision created", Checks: []CheckID{Deprovision200Or202}},
	{Key: "spec.md#deprovisioning:3", Level: must, Rule: "a deprovision accepted while the provision runs stops it and removes what it made", Checks: []CheckID{ConcurrencyBusyInstance}},
	{Key: "spec.md#parameters-9:3", Level: must, Rule: "a deprovision the broker can only do asynchronously, without accepts_incomplete=true, gets 422 AsyncRequired", Checks: []CheckID{ProvisionAsyncRequired422}},
	{Key: "spec.md#response-10:1", Level: must, Rule: "a deprovision that removed the instance gets 200", Checks: []CheckID{Deprovision200Or202}},
	{Key: "spec.md#response-10:2", Level: must, Rule: "a deprovision in progress gets 202", Checks: []CheckID{Deprovision200Or202}},
	{Key: "spec.md#response-10:3", Level: must, Rule: "a repeated deprovision in progress carries the first answer's operation", Checks: []CheckID{ProvisionAsync202RepeatSameOperation}},
	{Key: "spec.md#response-10:4", Level: must, Rule: "a repeated deprovision gets 202, not 200, until it ends", Checks: []CheckID{ProvisionAsync202RepeatSameOperation}},
	{Key: "spec.md#response-10:5", Level: must, Rule: "a malformed deprovision gets 400", Checks: []CheckID{RequestsMalformed400}},
	{Key: "spec.md#response-10:6", Level: may, Rule: "a deprovision with invalid data may get 400", Untestable: untestableFree},
	{Key: "spec.md#response-10:7", Level: must, Rule: "deprovisioning an instance that does not exist gets 410", Checks: []CheckID{DeprovisionMissing410}},
	{Key: "spec.md#response-10:8", Level: must, Rule: "a deprovision the broker can only do asynchronously, without accepts_incomplete=true, gets 422", Checks: []CheckID{ProvisionAsyncRequired422}},
	{Key: "spec.md#response-10:9", Level: must, Rule: "that 422 carries AsyncRequired", Checks: []CheckID{ErrorsErrorCode}},
	{Key: "spec.md#response-10:10", Level: may, Rule: "that error may carry a description", Untestable: untestableFree},
	{Key: "spec.md#response-10:11", Level: must, Rule: "a deprovision of an instance another operation is working on gets 422", Checks: []CheckID{ConcurrencyBusyInstance}},
	{Key: "spec.md#response-10:12", Level: must, Rule: "that 422 carries ConcurrencyError", Checks: []CheckID{ConcurrencyBusyInstance, ErrorsErrorCode}},
	{Key: "spec.md#body-13:1", Level: may, Rule: "an asynchronous deprovision may answer with an operation", Untestable: untestableFree},
	{Key: "spec.md#body-13:3", Level: must, Rule: "the deprovision's operation has at most 10,000 characters", Checks: []CheckID{AnswersBodyShape}},
	{Key: "spec.md#orphan-mitigation:2", Level: may, Rule: "the broker may remove orphans on its own", Untestable: untestableFree},
	{Key: "profile.md#context-object-properties:6", Level: must, Rule: "a broker that takes context-only updates declares allow_context_updates", Untestable: untestableDeclare},
	{Key: "profile.md#cloud-foundry-bind-resource-object:1", Level: may, Rule: "binding credentials may be CredHub references", Untestable: untestableFree},
	{Key: "profile.md#cloud-foundry-bind-resource-object:7", Level: may, Rule: "a broker may store binding credentials in CredHub and return a reference", Untestable: untestableFree},
	{Key: "profile.md#cloud-foundry-bind-resource-object:8", Level: must, Rule: "the broker grants the named client read access to the credentials reference", Untestable: untestableOutofband},
	{Key: "profile.md#cloud-foundry-bind-resource-object:9", Level: must, Rule: "the credential client named is granted read access", Untestable: untestableOutofband},
	{Key: "profile.md#service-metadata:1", Level: should, Rule: "catalog metadata uses the property names the profile recommends", Gap: gapMetadataNames},
	{Key: "profile.md#service-metadata:2", Level: may, Rule: "a broker may expose metadata beyond the catalog's", Untestable: untestableFree},
	{Key: "profile.md#cloud-foundry-service-metadata:1", Level: may, Rule: "a broker may expose the Cloud Foundry metadata fields", Untestable: untestableFree},
	{Key: "profile.md#catalog-extensions:1", Level: may, Rule: "a broker may expose the catalog extension fields", Untestable: untestableFree},
	{Key: "profile.md#dashboard-client-object:1", Level: must, Rule: "dashboard_client.id, when present, is not empty", Checks: []CheckID{CatalogOtherRules}},
	{Key: "profile.md#dashboard-client-object:2", Level: must, Rule: "dashboard_client.secret, when present, is not empty", Checks: []CheckID{CatalogOtherRules}},
}

// Coverage returns the rows of the coverage matrix, in the order of the specification.
func Coverage() []Clause {
	return append([]Clause(nil), coverage...)
}

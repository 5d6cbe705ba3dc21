package openservicebrokerv1

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/Masterminds/semver/v3"
	"github.com/google/uuid"
	"github.com/osbkit/osb-go-sdk/internal/paramschema"
)

// Level is how strongly the specification states a rule (RFC 2119 as the specification uses it).
type Level string

// The levels of the specification's rules: MUST (and MUST NOT, REQUIRED), SHOULD (and
// RECOMMENDED), MAY (and OPTIONAL).
const (
	LevelMust   Level = "MUST"
	LevelShould Level = "SHOULD"
	LevelMay    Level = "MAY"
)

// Finding is one place where something breaks a rule of the specification.
type Finding struct {
	// ID names the rule, stable across releases, such as FindingSchemaDollarSchema.
	ID string
	// Section is the specification's section that states the rule, such as
	// "Catalog Management, Input Parameters Schema Object".
	Section string
	// Level is how strongly the specification states the rule.
	Level Level
	// Message says what is wrong and what would be right.
	Message string
	// Path is a JSON pointer to the offending value, such as "/services/0/plans/1/name".
	Path string
}

// String is the finding on one line: level, id, path, message and section.
func (f Finding) String() string {
	return fmt.Sprintf("%s %s at %s: %s (%s)", f.Level, f.ID, f.Path, f.Message, f.Section)
}

// The ids of the catalog findings. Those NewCatalog refuses a catalog for are marked "unusable".
const (
	FindingCatalogMissing            = "catalog.missing"                     // unusable
	FindingServiceIDMissing          = "catalog.service.id.missing"          // unusable
	FindingServiceIDDuplicate        = "catalog.service.id.duplicate"        // unusable
	FindingServiceNameMissing        = "catalog.service.name.missing"        // unusable
	FindingServiceNameDuplicate      = "catalog.service.name.duplicate"      // unusable
	FindingServiceDescriptionMissing = "catalog.service.description.missing" // unusable
	FindingServiceBindableMissing    = "catalog.service.bindable.missing"    // unusable
	FindingServicePlansMissing       = "catalog.service.plans.missing"       // unusable
	FindingPlanIDMissing             = "catalog.plan.id.missing"             // unusable
	FindingPlanIDDuplicate           = "catalog.plan.id.duplicate"           // unusable
	FindingPlanNameMissing           = "catalog.plan.name.missing"           // unusable
	FindingPlanNameDuplicate         = "catalog.plan.name.duplicate"         // unusable
	FindingPlanDescriptionMissing    = "catalog.plan.description.missing"    // unusable

	FindingServiceNameCLIFriendly     = "catalog.service.name.cli-friendly"
	FindingPlanNameCLIFriendly        = "catalog.plan.name.cli-friendly"
	FindingServiceIDGUID              = "catalog.service.id.guid"
	FindingPlanIDGUID                 = "catalog.plan.id.guid"
	FindingStringLength               = "catalog.string.length"
	FindingMaintenanceVersionMissing  = "catalog.plan.maintenance-info.version.missing"
	FindingMaintenanceVersionSemver   = "catalog.plan.maintenance-info.version.semver"
	FindingMaximumPollingDuration     = "catalog.plan.maximum-polling-duration.positive"
	FindingSchemaDollarSchema         = "catalog.schema.dollar-schema"
	FindingSchemaExternalRef          = "catalog.schema.external-ref"
	FindingSchemaSize                 = "catalog.schema.size"
	FindingSchemaInvalid              = "catalog.schema.invalid"
	FindingBindingSchemaNotBindable   = "catalog.schema.binding-not-bindable"
	FindingServiceRequiresUnsupported = "catalog.service.requires.unsupported"
)

// The sections of the specification the catalog rules come from.
const (
	sectionCatalogManagement = "Catalog Management"
	sectionCatalogBody       = "Catalog Management, Body"
	sectionServiceOffering   = "Catalog Management, Service Offering Object"
	sectionServicePlan       = "Catalog Management, Service Plan Object"
	sectionSchemas           = "Catalog Management, Schemas Object"
	sectionInputSchema       = "Catalog Management, Input Parameters Schema Object"
	sectionMaintenanceInfo   = "Catalog Management, Maintenance Info Object"
	sectionPollingDuration   = "Polling Interval and Duration"
)

// Limits the specification sets or recommends for a catalog.
const (
	// MaxSchemaBytes is the size a parameters schema must not exceed: 64 kB, read as 64 KiB so
	// that no schema the specification allows is reported.
	MaxSchemaBytes = paramschema.MaxBytes
	// RecommendedMaxStringLength is the length of names and descriptions the specification
	// recommends not to exceed, in characters.
	RecommendedMaxStringLength = 255
)

// cliFriendly is the specification's "CLI-friendly" string: alphanumerics, periods and hyphens.
var cliFriendly = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)

// LintCatalog reports everything in a catalog that breaks a rule the specification states for
// it, MUST and SHOULD alike, in catalog order: what NewCatalog refuses (missing required fields,
// duplicate ids and names), and what brokers often get wrong: parameters schemas without
// $schema, with external references, larger than 64 kB or not valid JSON Schema; names that are
// not CLI-friendly; ids that are not GUIDs; names and descriptions over 255 characters;
// maintenance_info without a Semantic Versioning 2.0 version; a maximum_polling_duration that is
// not positive; requires values the specification does not define; a binding schema on a plan
// that cannot be bound. It compiles every schema, so it costs more than NewCatalog.
func LintCatalog(resp *BrokerCatalogResp) []Finding {
	if resp == nil {
		return []Finding{{ID: FindingCatalogMissing, Section: sectionCatalogBody, Level: LevelMust, Message: "there is no catalog (nil)"}}
	}
	findings := structureFindings(resp)
	for i := range resp.Services {
		findings = append(findings, serviceFindings(&resp.Services[i], fmt.Sprintf("/services/%d", i))...)
	}
	return findings
}

// structureFindings are the findings that make a catalog unusable for lookups.
func structureFindings(resp *BrokerCatalogResp) []Finding {
	var findings []Finding
	add := func(id, section, path, message string) {
		findings = append(findings, Finding{ID: id, Section: section, Level: LevelMust, Message: message, Path: path})
	}
	serviceIDs, serviceNames, planIDs := map[string]string{}, map[string]string{}, map[string]string{}
	for i, service := range resp.Services {
		path := fmt.Sprintf("/services/%d", i)
		requireString(service.ID, FindingServiceIDMissing, sectionServiceOffering, path+"/id", "the service offering has no id", add)
		requireString(service.Name, FindingServiceNameMissing, sectionServiceOffering, path+"/name", "the service offering has no name", add)
		requireString(service.Description, FindingServiceDescriptionMissing, sectionServiceOffering, path+"/description", "the service offering has no description", add)
		if service.Bindable == nil {
			add(FindingServiceBindableMissing, sectionServiceOffering, path+"/bindable", "the service offering does not say whether it is bindable (bindable is required)")
		}
		if len(service.Plans) == 0 {
			add(FindingServicePlansMissing, sectionServiceOffering, path+"/plans", "the service offering has no plan; it must have at least one")
		}
		unique(service.ID, serviceIDs, path+"/id", FindingServiceIDDuplicate, sectionServiceOffering, "service offering id", add)
		unique(service.Name, serviceNames, path+"/name", FindingServiceNameDuplicate, sectionServiceOffering, "service offering name", add)
		planNames := map[string]string{}
		for j, plan := range service.Plans {
			planPath := fmt.Sprintf("%s/plans/%d", path, j)
			requireString(plan.ID, FindingPlanIDMissing, sectionServicePlan, planPath+"/id", "the plan has no id", add)
			requireString(plan.Name, FindingPlanNameMissing, sectionServicePlan, planPath+"/name", "the plan has no name", add)
			requireString(plan.Description, FindingPlanDescriptionMissing, sectionServicePlan, planPath+"/description", "the plan has no description", add)
			unique(plan.ID, planIDs, planPath+"/id", FindingPlanIDDuplicate, sectionServicePlan, "plan id", add)
			unique(plan.Name, planNames, planPath+"/name", FindingPlanNameDuplicate, sectionServicePlan, "plan name within the service offering", add)
		}
	}
	return findings
}

func requireString(value *string, id, section, path, message string, add func(id, section, path, message string)) {
	if value == nil || *value == "" {
		add(id, section, path, message+"; it must be a non-empty string")
	}
}

// unique records value at path in seen and reports it when an earlier path has it already.
func unique(value *string, seen map[string]string, path, id, section, what string, add func(id, section, path, message string)) {
	if value == nil || *value == "" {
		return
	}
	if first, ok := seen[*value]; ok {
		add(id, section, path, fmt.Sprintf("%s %s is also used at %s; it must be unique", what, quoteText(*value), first))
		return
	}
	seen[*value] = path
}

// serviceFindings are the findings about one service offering that do not stop NewCatalog.
func serviceFindings(service *Service, path string) []Finding {
	var findings []Finding
	findings = append(findings, nameFindings(service.Name, path+"/name", FindingServiceNameCLIFriendly, sectionServiceOffering)...)
	findings = append(findings, guidFindings(service.ID, path+"/id", FindingServiceIDGUID, sectionServiceOffering)...)
	findings = append(findings, lengthFindings(service.Description, path+"/description")...)
	for i, permission := range service.Requires {
		if permission != RequiresSyslogDrain && permission != RequiresRouteForwarding && permission != RequiresVolumeMount {
			findings = append(findings, Finding{ID: FindingServiceRequiresUnsupported, Section: sectionServiceOffering, Level: LevelShould,
				Path: fmt.Sprintf("%s/requires/%d", path, i), Message: fmt.Sprintf("%s is not a permission the specification supports (%s, %s, %s)",
					quoteText(permission), RequiresSyslogDrain, RequiresRouteForwarding, RequiresVolumeMount)})
		}
	}
	for i := range service.Plans {
		findings = append(findings, planFindings(service, &service.Plans[i], fmt.Sprintf("%s/plans/%d", path, i))...)
	}
	return findings
}

func planFindings(service *Service, plan *Plan, path string) []Finding {
	var findings []Finding
	findings = append(findings, nameFindings(plan.Name, path+"/name", FindingPlanNameCLIFriendly, sectionServicePlan)...)
	findings = append(findings, guidFindings(plan.ID, path+"/id", FindingPlanIDGUID, sectionServicePlan)...)
	findings = append(findings, lengthFindings(plan.Description, path+"/description")...)
	if info := plan.MaintenanceInfo; info != nil {
		findings = append(findings, maintenanceFindings(info, path+"/maintenance_info")...)
	}
	if seconds := plan.MaximumPollingDuration; seconds != nil && *seconds <= 0 {
		findings = append(findings, Finding{ID: FindingMaximumPollingDuration, Section: sectionPollingDuration, Level: LevelShould,
			Path: path + "/maximum_polling_duration", Message: fmt.Sprintf("%d is not a duration in seconds; the platform ignores it and polls as long as it would without it", *seconds)})
	}
	for kind := range schemaKinds {
		raw := kind.raw(plan)
		if raw == nil {
			continue
		}
		schemaPath := path + "/schemas/" + strings.ReplaceAll(kind.String(), ".", "/") + "/parameters"
		findings = append(findings, schemaFindings(raw, schemaPath)...)
		if kind == BindingCreateSchema && !flag(plan.Bindable, service.Bindable, false) {
			findings = append(findings, Finding{ID: FindingBindingSchemaNotBindable, Section: sectionSchemas, Level: LevelMay, Path: schemaPath,
				Message: "the plan cannot be bound, so its binding schema is never used"})
		}
	}
	return findings
}

func nameFindings(name *string, path, id, section string) []Finding {
	if name == nil || *name == "" {
		return nil
	}
	var findings []Finding
	if !cliFriendly.MatchString(*name) || strings.HasPrefix(*name, "-") || strings.Trim(*name, ".-") == "" {
		findings = append(findings, Finding{ID: id, Section: sectionCatalogBody, Level: LevelShould, Path: path,
			Message: fmt.Sprintf("name %s is not CLI-friendly: use only letters, digits, periods and hyphens, and do not start with a hyphen", quoteText(*name))})
	}
	return append(findings, lengthFindings(name, path)...)
}

func guidFindings(id *string, path, findingID, section string) []Finding {
	if id == nil || *id == "" || uuid.Validate(*id) == nil {
		return nil
	}
	return []Finding{{ID: findingID, Section: section, Level: LevelShould, Path: path,
		Message: fmt.Sprintf("id %s is not a GUID; a GUID is recommended, since the id must be unique across every broker of a platform", quoteText(*id))}}
}

func lengthFindings(text *string, path string) []Finding {
	if text == nil || utf8.RuneCountInString(*text) <= RecommendedMaxStringLength {
		return nil
	}
	return []Finding{{ID: FindingStringLength, Section: sectionCatalogManagement, Level: LevelShould, Path: path,
		Message: fmt.Sprintf("%d characters; platforms may not show more than %d", utf8.RuneCountInString(*text), RecommendedMaxStringLength)}}
}

func maintenanceFindings(info *MaintenanceInfo, path string) []Finding {
	if info.Version == nil || *info.Version == "" {
		return []Finding{{ID: FindingMaintenanceVersionMissing, Section: sectionMaintenanceInfo, Level: LevelMust, Path: path + "/version",
			Message: "maintenance_info has no version; a plan that gives maintenance_info must give its version"}}
	}
	if _, err := semver.StrictNewVersion(*info.Version); err != nil {
		return []Finding{{ID: FindingMaintenanceVersionSemver, Section: sectionMaintenanceInfo, Level: LevelMust, Path: path + "/version",
			Message: fmt.Sprintf("version %s is not a Semantic Versioning 2.0 version such as 1.2.3 or 2.1.1+abcdef (%v)", quoteText(*info.Version), err)}}
	}
	return nil
}

// schemaFindings checks one parameters schema as the Input Parameters Schema Object requires.
func schemaFindings(raw []byte, path string) []Finding {
	var findings []Finding
	add := func(id, message string) {
		findings = append(findings, Finding{ID: id, Section: sectionInputSchema, Level: LevelMust, Path: path, Message: message})
	}
	if len(raw) > MaxSchemaBytes {
		add(FindingSchemaSize, fmt.Sprintf("the schema has %d bytes; it must not be larger than 64 kB (%d bytes)", len(raw), MaxSchemaBytes))
	}
	doc, err := paramschema.Decode(raw)
	if err != nil {
		add(FindingSchemaInvalid, fmt.Sprintf("the schema is not JSON: %s", boundedError{err}))
		return findings
	}
	object, _ := doc.(map[string]any)
	if _, ok := object["$schema"].(string); !ok {
		add(FindingSchemaDollarSchema, "the schema has no $schema naming its JSON Schema version; the platform reads it as "+paramschema.DefaultDraftName)
	}
	if external := paramschema.ExternalRefs(doc); len(external) > 0 {
		add(FindingSchemaExternalRef, fmt.Sprintf("the schema refers outside itself (%s); it must not contain external references, and the platform never loads them",
			strings.Join(external, ", ")))
		return findings
	}
	if _, err := paramschema.CompileDocument(doc); err != nil {
		add(FindingSchemaInvalid, fmt.Sprintf("the schema does not compile: %s", boundedError{err}))
	}
	return findings
}

// quoteText quotes broker text for a message, bounded and on one line.
func quoteText(text string) string {
	return strconv.Quote(printablePrefix([]byte(text), maxMessageText))
}

package cataloglint

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/Masterminds/semver/v3"
	"github.com/google/uuid"

	"github.com/osbkit/osb-go-sdk/internal/paramschema"
	"github.com/osbkit/osb-go-sdk/internal/termtext"
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

// The permissions a service offering can declare in requires (Catalog Management, Service
// Offering Object).
var knownPermissions = []string{"syslog_drain", "route_forwarding", "volume_mount"}

// cliFriendly is the specification's "CLI-friendly" string: alphanumerics, periods and hyphens.
var cliFriendly = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)

// Lint reports everything in a catalog that breaks a rule the specification states for it, in
// catalog order: what Unusable reports (missing required fields, duplicate ids and names), and
// what brokers often get wrong: parameters schemas without $schema, with external references,
// larger than 64 kB or not valid JSON Schema; names that are not CLI-friendly; ids that are not
// GUIDs; names and descriptions over 255 characters; maintenance_info without a Semantic
// Versioning 2.0 version; a maximum_polling_duration that is not positive; requires values the
// specification does not define; a binding schema on a plan that cannot be bound. It compiles
// every schema, so it costs more than Unusable.
//
// catalog is the catalog as GET /v2/catalog answers it: its JSON ([]byte or json.RawMessage),
// or a value that encodes to it, such as the *openservicebrokerv1.BrokerCatalogResp of
// ListCatalog; or a *Catalog.
func Lint(catalog any) []Finding {
	document, findings := read(catalog)
	if document == nil {
		return findings
	}
	for i := range document.Services {
		findings = append(findings, serviceFindings(&document.Services[i], fmt.Sprintf("/services/%d", i))...)
	}
	return findings
}

// Unusable reports what makes a catalog unusable for lookups of services and plans: no
// catalog, a missing id, name, description, bindable or plans, a duplicate service or plan id,
// a duplicate service name, a duplicate plan name within a service. Every finding is a MUST.
// catalog is read as Lint reads it.
func Unusable(catalog any) []Finding {
	_, findings := read(catalog)
	return findings
}

// read decodes the catalog and returns its unusable findings; the document is nil when there
// is none to look into.
func read(catalog any) (*Catalog, []Finding) {
	document, err := decode(catalog)
	switch {
	case err != nil:
		return nil, []Finding{{ID: FindingCatalogNotJSON, Section: sectionCatalogBody, Level: LevelMust, Message: err.Error()}}
	case document == nil:
		return nil, []Finding{{ID: FindingCatalogMissing, Section: sectionCatalogBody, Level: LevelMust, Message: "there is no catalog (null)"}}
	}
	return document, structureFindings(document)
}

// structureFindings are the findings that make a catalog unusable for lookups.
func structureFindings(document *Catalog) []Finding {
	var findings []Finding
	add := func(id, section, path, message string) {
		findings = append(findings, Finding{ID: id, Section: section, Level: LevelMust, Message: message, Path: path})
	}
	serviceIDs, serviceNames, planIDs := map[string]string{}, map[string]string{}, map[string]string{}
	for i, service := range document.Services {
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
		add(id, section, path, fmt.Sprintf("%s %s is also used at %s; it must be unique", what, termtext.Quote(*value), first))
		return
	}
	seen[*value] = path
}

// serviceFindings are the findings about one service offering that do not make it unusable.
func serviceFindings(service *Service, path string) []Finding {
	var findings []Finding
	findings = append(findings, nameFindings(service.Name, path+"/name", FindingServiceNameCLIFriendly)...)
	findings = append(findings, guidFindings(service.ID, path+"/id", FindingServiceIDGUID, sectionServiceOffering)...)
	findings = append(findings, lengthFindings(service.Description, path+"/description")...)
	for i, permission := range service.Requires {
		if !slices.Contains(knownPermissions, permission) {
			findings = append(findings, Finding{ID: FindingServiceRequiresUnsupported, Section: sectionServiceOffering, Level: LevelShould,
				Path: fmt.Sprintf("%s/requires/%d", path, i), Message: fmt.Sprintf("%s is not a permission the specification supports (%s)",
					termtext.Quote(permission), strings.Join(knownPermissions, ", "))})
		}
	}
	findings = append(findings, metadataFindings(service.Metadata, path+"/metadata", serviceMetadataNames)...)
	for i := range service.Plans {
		findings = append(findings, planFindings(service, &service.Plans[i], fmt.Sprintf("%s/plans/%d", path, i))...)
	}
	return findings
}

// The metadata property names the profile recommends ("Service Metadata").
var (
	serviceMetadataNames = []string{"displayName", "imageUrl", "longDescription", "providerDisplayName", "documentationUrl", "supportUrl"}
	planMetadataNames    = []string{"bullets", "costs", "displayName"}
)

// metadataFindings reports a metadata property that spells a recommended name another way
// (display_name, ImageURL), when the recommended name itself is absent: platforms that read the
// recommended names do not find it. Other properties are the broker's own.
func metadataFindings(raw json.RawMessage, path string, recommended []string) []Finding {
	var metadata map[string]json.RawMessage
	if json.Unmarshal(raw, &metadata) != nil {
		return nil
	}
	spelling := func(name string) string {
		return strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(name))
	}
	var findings []Finding
	for _, name := range recommended {
		if _, present := metadata[name]; present {
			continue
		}
		for _, key := range slices.Sorted(maps.Keys(metadata)) {
			if spelling(key) == spelling(name) { // such a key has no character a JSON pointer escapes
				findings = append(findings, Finding{ID: FindingMetadataNameVariant, Section: sectionServiceMetadata, Level: LevelShould,
					Path: path + "/" + key, Message: fmt.Sprintf("%s: the profile recommends the name %s, which platforms read", termtext.Quote(key), name)})
			}
		}
	}
	return findings
}

func planFindings(service *Service, plan *Plan, path string) []Finding {
	var findings []Finding
	findings = append(findings, nameFindings(plan.Name, path+"/name", FindingPlanNameCLIFriendly)...)
	findings = append(findings, guidFindings(plan.ID, path+"/id", FindingPlanIDGUID, sectionServicePlan)...)
	findings = append(findings, lengthFindings(plan.Description, path+"/description")...)
	findings = append(findings, metadataFindings(plan.Metadata, path+"/metadata", planMetadataNames)...)
	if plan.MaintenanceInfo {
		findings = append(findings, maintenanceFindings(plan.MaintenanceVersion, path+"/maintenance_info/version")...)
	}
	if seconds := plan.MaximumPollingDuration; seconds != nil && *seconds <= 0 {
		findings = append(findings, Finding{ID: FindingMaximumPollingDuration, Section: sectionPollingDuration, Level: LevelShould,
			Path: path + "/maximum_polling_duration", Message: fmt.Sprintf("%d is not a duration in seconds; the platform ignores it and polls as long as it would without it", *seconds)})
	}
	// A plan's bindable, else its offering's (Catalog Management, Service Plan Object).
	bindable := plan.Bindable
	if bindable == nil {
		bindable = service.Bindable
	}
	for _, schema := range plan.schemas() {
		findings = append(findings, schemaFindings(schema.raw, path+schema.path)...)
		if schema.binding && (bindable == nil || !*bindable) {
			findings = append(findings, Finding{ID: FindingBindingSchemaNotBindable, Section: sectionSchemas, Level: LevelMay, Path: path + schema.path,
				Message: "the plan cannot be bound, so its binding schema is never used"})
		}
	}
	return findings
}

func nameFindings(name *string, path, id string) []Finding {
	if name == nil || *name == "" {
		return nil
	}
	var findings []Finding
	if !cliFriendly.MatchString(*name) || strings.HasPrefix(*name, "-") || strings.Trim(*name, ".-") == "" {
		findings = append(findings, Finding{ID: id, Section: sectionCatalogBody, Level: LevelShould, Path: path,
			Message: fmt.Sprintf("name %s is not CLI-friendly: use only letters, digits, periods and hyphens, and do not start with a hyphen", termtext.Quote(*name))})
	}
	return append(findings, lengthFindings(name, path)...)
}

func guidFindings(id *string, path, findingID, section string) []Finding {
	if id == nil || *id == "" || uuid.Validate(*id) == nil {
		return nil
	}
	return []Finding{{ID: findingID, Section: section, Level: LevelShould, Path: path,
		Message: fmt.Sprintf("id %s is not a GUID; a GUID is recommended, since the id must be unique across every broker of a platform", termtext.Quote(*id))}}
}

func lengthFindings(text *string, path string) []Finding {
	if text == nil || utf8.RuneCountInString(*text) <= RecommendedMaxStringLength {
		return nil
	}
	return []Finding{{ID: FindingStringLength, Section: sectionCatalogManagement, Level: LevelShould, Path: path,
		Message: fmt.Sprintf("%d characters; platforms may not show more than %d", utf8.RuneCountInString(*text), RecommendedMaxStringLength)}}
}

func maintenanceFindings(version *string, path string) []Finding {
	if version == nil || *version == "" {
		return []Finding{{ID: FindingMaintenanceVersionMissing, Section: sectionMaintenanceInfo, Level: LevelMust, Path: path,
			Message: "maintenance_info has no version; a plan that gives maintenance_info must give its version"}}
	}
	if _, err := semver.StrictNewVersion(*version); err != nil {
		return []Finding{{ID: FindingMaintenanceVersionSemver, Section: sectionMaintenanceInfo, Level: LevelMust, Path: path,
			Message: fmt.Sprintf("version %s is not a Semantic Versioning 2.0 version such as 1.2.3 or 2.1.1+abcdef (%v)", termtext.Quote(*version), err)}}
	}
	return nil
}

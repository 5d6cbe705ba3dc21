// Package cataloglint checks a broker's catalog against every rule the specification states for
// it (Catalog Management), MUST and SHOULD alike, and reports each break as a Finding with its
// section, level and JSON pointer. The client's NewCatalog refuses a catalog for the findings
// Unusable returns; Lint adds what brokers often get wrong. It reads the catalog as the broker
// encodes it, so it applies to the client's typed catalog, to a catalog file and to brokertest's.
package cataloglint

import "fmt"

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

// The ids of the catalog findings. Those Unusable returns (and the client's NewCatalog refuses a
// catalog for) are marked "unusable".
const (
	FindingCatalogMissing            = "catalog.missing"                     // unusable
	FindingCatalogNotJSON            = "catalog.not-json"                    // unusable
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
	FindingMetadataNameVariant        = "catalog.metadata.name-variant"
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
	sectionServiceMetadata   = "Profile, Service Metadata"
)

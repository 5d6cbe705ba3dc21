package openservicebrokerv1

// The catalog lint's former names (the lint is package cataloglint now), the finding type the
// SDK shares with it, and the catalog as the lint reads it.

import (
	"strconv"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1/cataloglint"
)

// Level is how strongly the specification states a rule (cataloglint.Level): the level of
// every Finding the SDK reports.
type Level = cataloglint.Level

// Finding is one place where something breaks a rule of the specification: what ValidateAnswer
// and InvalidAnswerError report about an answer, and what package cataloglint, which defines
// the type, reports about a catalog.
type Finding = cataloglint.Finding

// The levels of the specification's rules: MUST (and MUST NOT, REQUIRED), SHOULD (and
// RECOMMENDED), MAY (and OPTIONAL).
const (
	LevelMust   = cataloglint.LevelMust
	LevelShould = cataloglint.LevelShould
	LevelMay    = cataloglint.LevelMay
)

// The ids of the catalog findings.
//
// Deprecated: use the constants of the same names in cataloglint.
const (
	FindingCatalogMissing             = cataloglint.FindingCatalogMissing
	FindingServiceIDMissing           = cataloglint.FindingServiceIDMissing
	FindingServiceIDDuplicate         = cataloglint.FindingServiceIDDuplicate
	FindingServiceNameMissing         = cataloglint.FindingServiceNameMissing
	FindingServiceNameDuplicate       = cataloglint.FindingServiceNameDuplicate
	FindingServiceDescriptionMissing  = cataloglint.FindingServiceDescriptionMissing
	FindingServiceBindableMissing     = cataloglint.FindingServiceBindableMissing
	FindingServicePlansMissing        = cataloglint.FindingServicePlansMissing
	FindingPlanIDMissing              = cataloglint.FindingPlanIDMissing
	FindingPlanIDDuplicate            = cataloglint.FindingPlanIDDuplicate
	FindingPlanNameMissing            = cataloglint.FindingPlanNameMissing
	FindingPlanNameDuplicate          = cataloglint.FindingPlanNameDuplicate
	FindingPlanDescriptionMissing     = cataloglint.FindingPlanDescriptionMissing
	FindingServiceNameCLIFriendly     = cataloglint.FindingServiceNameCLIFriendly
	FindingPlanNameCLIFriendly        = cataloglint.FindingPlanNameCLIFriendly
	FindingServiceIDGUID              = cataloglint.FindingServiceIDGUID
	FindingPlanIDGUID                 = cataloglint.FindingPlanIDGUID
	FindingStringLength               = cataloglint.FindingStringLength
	FindingMaintenanceVersionMissing  = cataloglint.FindingMaintenanceVersionMissing
	FindingMaintenanceVersionSemver   = cataloglint.FindingMaintenanceVersionSemver
	FindingMaximumPollingDuration     = cataloglint.FindingMaximumPollingDuration
	FindingSchemaDollarSchema         = cataloglint.FindingSchemaDollarSchema
	FindingSchemaExternalRef          = cataloglint.FindingSchemaExternalRef
	FindingSchemaSize                 = cataloglint.FindingSchemaSize
	FindingSchemaInvalid              = cataloglint.FindingSchemaInvalid
	FindingBindingSchemaNotBindable   = cataloglint.FindingBindingSchemaNotBindable
	FindingServiceRequiresUnsupported = cataloglint.FindingServiceRequiresUnsupported
)

// Limits the specification sets or recommends for a catalog.
//
// Deprecated: use cataloglint.MaxSchemaBytes and cataloglint.RecommendedMaxStringLength.
const (
	MaxSchemaBytes             = cataloglint.MaxSchemaBytes
	RecommendedMaxStringLength = cataloglint.RecommendedMaxStringLength
)

// LintCatalog reports everything in a catalog that breaks a rule of the specification.
//
// Deprecated: use cataloglint.Lint, which takes this catalog as it is.
func LintCatalog(resp *BrokerCatalogResp) []Finding {
	return cataloglint.Lint(lintView(resp))
}

// lintView is the catalog as cataloglint reads it, built without encoding the catalog: NewCatalog
// runs the lint's unusable rules on every catalog it indexes.
func lintView(resp *BrokerCatalogResp) *cataloglint.Catalog {
	if resp == nil {
		return nil
	}
	view := &cataloglint.Catalog{Services: make([]cataloglint.Service, len(resp.Services))}
	for i := range resp.Services {
		service := &resp.Services[i]
		plans := make([]cataloglint.Plan, len(service.Plans))
		for j := range service.Plans {
			plan := &service.Plans[j]
			plans[j] = cataloglint.Plan{ID: plan.ID, Name: plan.Name, Description: plan.Description, Bindable: plan.Bindable,
				MaximumPollingDuration: plan.MaximumPollingDuration, MaintenanceInfo: plan.MaintenanceInfo != nil,
				InstanceCreateSchema: InstanceCreateSchema.raw(plan), InstanceUpdateSchema: InstanceUpdateSchema.raw(plan),
				BindingCreateSchema: BindingCreateSchema.raw(plan), Metadata: plan.Metadata}
			if plan.MaintenanceInfo != nil {
				plans[j].MaintenanceVersion = plan.MaintenanceInfo.Version
			}
		}
		view.Services[i] = cataloglint.Service{ID: service.ID, Name: service.Name, Description: service.Description,
			Bindable: service.Bindable, Requires: service.Requires, Plans: plans, Metadata: service.Metadata}
	}
	return view
}

// The sections of the specification the client's catalog rules cite.
const (
	sectionCatalogManagement = "Catalog Management"
	sectionCatalogBody       = "Catalog Management, Body"
	sectionInputSchema       = "Catalog Management, Input Parameters Schema Object"
	sectionMaintenanceInfo   = "Catalog Management, Maintenance Info Object"
)

// quoteText quotes broker text for a message, bounded and on one line.
func quoteText(text string) string {
	return strconv.Quote(printablePrefix([]byte(text), maxMessageText))
}

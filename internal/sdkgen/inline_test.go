package sdkgen

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadLoans(t *testing.T) *API {
	t.Helper()
	api, err := Load(context.Background(), Config{SpecPath: loansSpec})
	require.NoError(t, err)
	return api
}

func findModel(t *testing.T, api *API, name string) *Model {
	t.Helper()
	return findNamed(t, api.Models, name, func(m *Model) string { return m.Name })
}

func findOperation(t *testing.T, api *API, name string) *Operation {
	t.Helper()
	return findNamed(t, api.Operations, name, func(op *Operation) string { return op.Name })
}

func findNamed[T any](t *testing.T, items []T, name string, nameOf func(T) string) T {
	t.Helper()
	i := slices.IndexFunc(items, func(item T) bool { return nameOf(item) == name })
	require.GreaterOrEqual(t, i, 0, "%s is missing", name)
	return items[i]
}

// fieldTypes maps each field's wire name to its Go type.
func fieldTypes(fields []*Field) map[string]string {
	out := map[string]string{}
	for _, f := range fields {
		out[f.WireName] = f.Type
	}
	return out
}

func wireNames(fields []*Field) []string {
	var out []string
	for _, f := range fields {
		out = append(out, f.WireName)
	}
	return out
}

func TestInlineObjectsAreNamedAfterTheirParentAndProperty(t *testing.T) {
	api := loadLoans(t)
	branch := fieldTypes(findModel(t, api, "Branch").Fields)
	assert.Equal(t, "*BranchAddress", branch["address"])
	assert.Equal(t, "[]BranchOpeningHoursItem", branch["opening_hours"], "array items add Item")
	assert.Equal(t, "*BookShelf", fieldTypes(findModel(t, api, "Book").Fields)["shelf"])

	body := fieldTypes(findOperation(t, api, "BooksAdd").BodyFields())
	assert.Equal(t, "[]BooksAddRequestAuthorsItem", body["authors"], "an inline body is named <Method>Request")
	assert.Equal(t, "*BooksAddRequestShelf", body["shelf"])

	entries := fieldTypes(findModel(t, api, "MemberHistoryGetResponse").Fields)["entries"]
	assert.Equal(t, "[]MemberHistoryGetResponseEntriesItem", entries)
	assert.Equal(t, []string{"loan_id", "returned"}, wireNames(findModel(t, api, "MemberHistoryGetResponseEntriesItem").Fields))
}

func TestInlineObjectsInsideAComponentAreNamedAfterItWhereverTheyAreReached(t *testing.T) {
	api := loadLoans(t)
	// Loan's reminders are also reached through LoanOpenResult, which merges Loan.
	assert.Equal(t, "[]LoanRemindersItem", fieldTypes(findModel(t, api, "Loan").Fields)["reminders"])
	assert.Equal(t, "[]LoanRemindersItem", fieldTypes(findModel(t, api, "LoanOpenResult").Fields)["reminders"])
}

func TestResultTypeFollowsTheSuccessResponses(t *testing.T) {
	api := loadLoans(t)
	cases := map[string]string{
		"CatalogGet":       "Catalog",                  // one $ref
		"LoanGet":          "Loan",                     // one $ref beside a default response
		"BooksList":        "[]Book",                   // an array
		"BooksAdd":         "BooksAddResponse",         // inline object: <Method>Response
		"MemberHistoryGet": "MemberHistoryGetResponse", //
		"LoanOpen":         "LoanOpenResult",           // 200/201 Loan, 202 PendingOperation: <Method>Result
		"LoanRenew":        "LoanRenewResult",          // 200 free-form, 202 PendingOperation
		"LoanClose":        "",                         // 204 without a body
		"LoanReceiptGet":   "",                         // text/plain only
	}
	for name, want := range cases {
		assert.Equal(t, want, findOperation(t, api, name).Result, name)
	}
}

func TestResultOfSeveralSchemasHasThePropertiesOfEach(t *testing.T) {
	api := loadLoans(t)
	open := findModel(t, api, "LoanOpenResult")
	assert.Equal(t, []string{"member_id", "book_id", "context", "loan_id", "state", "due_at", "reminders", "fees", "operation", "poll_after_seconds"}, wireNames(open.Fields))
	assert.True(t, open.AdditionalProperties, "Loan keeps unknown properties, so the result does")
	renew := findModel(t, api, "LoanRenewResult")
	assert.Equal(t, []string{"operation", "poll_after_seconds"}, wireNames(renew.Fields))
	assert.True(t, renew.AdditionalProperties, "the free-form 200 body may carry any property")
}

func TestAllOfMergesItsPartsInOrder(t *testing.T) {
	api := loadLoans(t)
	loan := findModel(t, api, "Loan")
	assert.Equal(t, []string{"member_id", "book_id", "context", "loan_id", "state", "due_at", "reminders", "fees"}, wireNames(loan.Fields))
	assert.True(t, loan.AdditionalProperties)

	var required []string
	for _, f := range findOperation(t, api, "LoanOpen").BodyFields() {
		if f.Required {
			required = append(required, f.WireName)
		}
	}
	assert.Equal(t, []string{"member_id", "book_id", "due_at"}, required, "required lists of every part apply")
	assert.Equal(t, "*Dimensions", fieldTypes(findModel(t, api, "Book").Fields)["dimensions"], "allOf of one $ref is that type")
}

func TestSchemasWithoutModelsMapToGoTypes(t *testing.T) {
	api := loadLoans(t)
	history := fieldTypes(findModel(t, api, "MemberHistoryGetResponse").Fields)
	assert.Equal(t, "map[string]int64", history["totals"])
	assert.Equal(t, "map[string]BranchSummary", history["by_branch"])
	assert.Equal(t, "[][]int64", history["weekly"])
	book := fieldTypes(findModel(t, api, "Book").Fields)
	assert.Equal(t, "any", book["cover"], "anyOf is any JSON value")
	assert.Equal(t, "map[string]any", fieldTypes(findModel(t, api, "Branch").Fields)["metadata"], "additionalProperties: true")
	body := fieldTypes(findOperation(t, api, "BooksAdd").BodyFields())
	assert.Equal(t, "map[string]string", body["labels"])
	assert.Equal(t, "any", body["extra"], "oneOf is any JSON value, sent as it is")
	assert.Equal(t, "[][]string", fieldTypes(findOperation(t, api, "LoanRenew").BodyFields())["windows"])
}

func TestOperationParametersReplacePathLevelOnesOfTheSameName(t *testing.T) {
	api := loadLoans(t)
	list := findOperation(t, api, "BooksList")
	assert.Equal(t, []string{"branch_id", "format", "X-Library-API-Version", "tags", "limit", "since", "X-Page-Token"}, wireNames(list.Fields))
	format := list.Fields[1]
	assert.True(t, format.Required)
	assert.Equal(t, "How much of each book to return; this operation needs it.", format.Description)

	add := findOperation(t, api, "BooksAdd")
	assert.Equal(t, []string{"branch_id", "format", "X-Library-API-Version"}, wireNames(add.Fields[:3]), "path-level parameters come first")
	assert.False(t, add.Fields[1].Required)
}

func TestHeaderParametersByReferenceAreFieldsAndDeclaredHeaders(t *testing.T) {
	op := findOperation(t, loadLoans(t), "CatalogGet")
	assert.Equal(t, []string{"X-Library-API-Version", "X-Request-ID"}, op.Headers)
	assert.Equal(t, []string{"X-Library-API-Version", "X-Request-ID"}, wireNames(op.HeaderParams()))
	assert.True(t, op.HeaderParams()[0].Required)
	assert.Empty(t, op.Constructor, "the default constructor takes required path and query parameters only")
	closing := findOperation(t, loadLoans(t), "LoanClose")
	assert.Equal(t, []string{"branch_id", "loan_id", "condition"}, wireNames(closing.Constructor))
}

func TestOnePassReachesTheModelsBelowItExceptThoseKeepingAdditionalProperties(t *testing.T) {
	api, err := Load(context.Background(), Config{SpecPath: petstoreSpec})
	require.NoError(t, err)
	assert.False(t, findModel(t, loadLoans(t), "Book").Decoded, "without x-sdkgen-one-pass models are decoded as before")
	list, pet, owner := findModel(t, api, "PetList"), findModel(t, api, "Pet"), findModel(t, api, "Owner")
	assert.True(t, list.OnePass && list.Decoded, "the model with x-sdkgen-one-pass is decoded in one pass")
	assert.True(t, pet.Decoded, "the elements of its array are read by the same pass")
	assert.False(t, pet.Pointed, "array elements are held by value")
	assert.False(t, owner.Decoded, "a model with additional properties keeps its own UnmarshalJSON")
}

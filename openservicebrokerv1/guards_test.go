package openservicebrokerv1

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	cloudFoundryIdentity = "cloudfoundry eyJ1c2VyX2lkIjoiNjgzZWE3NDgifQ=="
	kubernetesIdentity   = "kubernetes eyJ1c2VybmFtZSI6ImR1a2UifQ=="
)

func platformContext(platform string) *Context {
	return &Context{Platform: ptr(platform)}
}

// guardCases are requests the catalog refuses, with the rule each breaks and the section the
// error cites, and requests it lets through.
var guardCases = []struct {
	name    string
	options any
	rule    error  // nil: allowed
	section string // cited by the error
}{
	{"provision of an unknown service", &ReplaceServiceInstanceOptions{ServiceID: ptr("nope"), PlanID: ptr("db-small-id")}, ErrUnknownService, "Catalog Management"},
	{"provision of an unknown plan", &ReplaceServiceInstanceOptions{ServiceID: ptr("db-id"), PlanID: ptr("queue-basic-id")}, ErrUnknownPlan, "Catalog Management"},
	{"provision with invalid parameters", &ReplaceServiceInstanceOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-small-id"),
		Parameters: map[string]any{"size": 0}}, ErrParametersInvalid, ""},
	{"provision with valid parameters", &ReplaceServiceInstanceOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-small-id"),
		Parameters: map[string]any{"size": 2}}, nil, ""},
	{"provision whose identity is from another platform", &ReplaceServiceInstanceOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-fixed-id"),
		OriginatingIdentity: ptr(kubernetesIdentity), Context: platformContext("cloudfoundry")}, ErrPlatformMismatch, "Headers, Originating Identity"},
	{"provision whose identity matches the context", &ReplaceServiceInstanceOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-fixed-id"),
		OriginatingIdentity: ptr(cloudFoundryIdentity), Context: platformContext("cloudfoundry")}, nil, ""},

	{"update of an unknown service", &UpdateServiceInstanceOptions{ServiceID: ptr("nope")}, ErrUnknownService, "Catalog Management"},
	{"update to an unknown plan", &UpdateServiceInstanceOptions{ServiceID: ptr("db-id"), PlanID: ptr("nope")}, ErrUnknownPlan, "Catalog Management"},
	{"plan change away from a plan that is not plan_updateable", &UpdateServiceInstanceOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-small-id"),
		PreviousValues: &PreviousValues{PlanID: ptr("db-fixed-id")}}, ErrPlanNotUpdateable, "Updating a Service Instance"},
	{"plan change away from a plan_updateable plan", &UpdateServiceInstanceOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-fixed-id"),
		PreviousValues: &PreviousValues{PlanID: ptr("db-small-id")}}, nil, ""},
	{"parameters update on a plan that is not plan_updateable", &UpdateServiceInstanceOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-fixed-id"),
		PreviousValues: &PreviousValues{PlanID: ptr("db-fixed-id")}, Parameters: map[string]any{"x": 1}}, nil, ""},
	{"context-only update without allow_context_updates", &UpdateServiceInstanceOptions{ServiceID: ptr("db-id"),
		Context: platformContext("cloudfoundry")}, ErrContextUpdatesNotAllowed, "Updating a Service Instance"},
	{"context-only update repeating the plan", &UpdateServiceInstanceOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-small-id"),
		PreviousValues: &PreviousValues{PlanID: ptr("db-small-id")}, Context: platformContext("cloudfoundry")}, ErrContextUpdatesNotAllowed, "Updating a Service Instance"},
	{"context-only update with allow_context_updates", &UpdateServiceInstanceOptions{ServiceID: ptr("queue-id"),
		Context: platformContext("cloudfoundry")}, nil, ""},
	{"context with parameters", &UpdateServiceInstanceOptions{ServiceID: ptr("db-id"), Context: platformContext("cloudfoundry"),
		Parameters: map[string]any{"x": 1}}, nil, ""},
	{"update with invalid parameters for the plan it keeps", &UpdateServiceInstanceOptions{ServiceID: ptr("queue-id"),
		PreviousValues: &PreviousValues{PlanID: ptr("queue-pinned-id")}, Parameters: map[string]any{"nodes": "three"}}, ErrParametersInvalid, ""},
	{"update whose identity is from another platform", &UpdateServiceInstanceOptions{ServiceID: ptr("queue-id"),
		OriginatingIdentity: ptr(kubernetesIdentity), Context: platformContext("cloudfoundry")}, ErrPlatformMismatch, "Headers, Originating Identity"},

	{"bind of a plan that is not bindable", &ReplaceServiceBindingOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-fixed-id")}, ErrNotBindable, "Binding"},
	{"bind of a plan bindable by its offering", &ReplaceServiceBindingOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-small-id")}, nil, ""},
	{"bind of an unknown plan", &ReplaceServiceBindingOptions{ServiceID: ptr("queue-id"), PlanID: ptr("db-small-id")}, ErrUnknownPlan, "Catalog Management"},
	{"rotation of a plan that is not binding_rotatable", &ReplaceServiceBindingOptions{ServiceID: ptr("queue-id"), PlanID: ptr("queue-pinned-id"),
		PredecessorBindingID: ptr("old")}, ErrNotRotatable, "Binding Rotation"},
	{"rotation of a binding_rotatable plan", &ReplaceServiceBindingOptions{ServiceID: ptr("queue-id"), PlanID: ptr("queue-basic-id"),
		PredecessorBindingID: ptr("old")}, nil, ""},
	{"route without requires route_forwarding", &ReplaceServiceBindingOptions{ServiceID: ptr("queue-id"), PlanID: ptr("queue-basic-id"),
		BindResource: &BindResource{Route: ptr("app.example.com")}}, ErrRouteForwardingNotDeclared, "Binding, Route Services"},
	{"route with requires route_forwarding", &ReplaceServiceBindingOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-small-id"),
		BindResource: &BindResource{Route: ptr("app.example.com")}}, nil, ""},
	{"bind with parameters the binding schema rejects", &ReplaceServiceBindingOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-small-id"),
		Parameters: map[string]any{"role": "owner"}}, ErrParametersInvalid, ""},
	{"bind whose identity is from another platform", &ReplaceServiceBindingOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-small-id"),
		OriginatingIdentity: ptr(cloudFoundryIdentity), Context: platformContext("kubernetes")}, ErrPlatformMismatch, "Headers, Originating Identity"},

	{"GET instance without instances_retrievable", &GetServiceInstanceOptions{InstanceID: ptr("i"), ServiceID: ptr("queue-id")}, ErrNotRetrievable, "Fetching a Service Instance"},
	{"GET instance with instances_retrievable", &GetServiceInstanceOptions{InstanceID: ptr("i"), ServiceID: ptr("db-id")}, nil, ""},
	{"GET instance of an offering the catalog no longer has", &GetServiceInstanceOptions{InstanceID: ptr("i"), ServiceID: ptr("gone")}, nil, ""},
	{"GET binding without bindings_retrievable", &GetServiceBindingOptions{InstanceID: ptr("i"), BindingID: ptr("b"), ServiceID: ptr("db-id")}, ErrNotRetrievable, "Fetching a Service Binding"},
	{"GET binding with bindings_retrievable", &GetServiceBindingOptions{InstanceID: ptr("i"), BindingID: ptr("b"), ServiceID: ptr("queue-id")}, nil, ""},

	{"deprovision of a plan the catalog no longer has", &DeleteServiceInstanceOptions{InstanceID: ptr("i"), ServiceID: ptr("gone"), PlanID: ptr("gone")}, nil, ""},
	{"unbind", &DeleteServiceBindingOptions{InstanceID: ptr("i"), BindingID: ptr("b"), ServiceID: ptr("db-id"), PlanID: ptr("db-fixed-id")}, nil, ""},
	{"last operation", &GetLastOperationOptions{InstanceID: ptr("i")}, nil, ""},
	{"binding last operation", &GetServiceBindingLastOperationOptions{InstanceID: ptr("i"), BindingID: ptr("b")}, nil, ""},
	{"catalog", &ListCatalogOptions{}, nil, ""},
	{"IBM state", &GetServiceInstanceStateOptions{InstanceID: ptr("i")}, nil, ""},
	{"IBM state change", &ReplaceServiceInstanceStateOptions{InstanceID: ptr("i")}, nil, ""},
}

func TestCatalog_CheckRequest(t *testing.T) {
	catalog := newRulesCatalog(t)
	for _, tc := range guardCases {
		t.Run(tc.name, func(t *testing.T) {
			err := catalog.CheckRequest(tc.options)
			if tc.rule == nil {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.rule)
			if tc.section == "" {
				return
			}
			var guardErr *GuardError
			require.ErrorAs(t, err, &guardErr)
			assert.Equal(t, tc.section, guardErr.Section)
			assert.Contains(t, err.Error(), "not sent")
			assert.Contains(t, err.Error(), "("+tc.section+")")
			assert.NotEmpty(t, guardErr.CatalogSays)
			assert.NotEmpty(t, guardErr.Hint)
		})
	}
}

func TestCatalog_CheckRequestUsesTheIdentitySent(t *testing.T) {
	catalog := newRulesCatalog(t)
	options := &ReplaceServiceInstanceOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-fixed-id"), Context: platformContext("cloudfoundry"),
		OriginatingIdentity: ptr(cloudFoundryIdentity)}
	assert.NoError(t, catalog.checkRequest(options, nil), "nil: the options' identity")
	assert.ErrorIs(t, catalog.checkRequest(options, ptr(kubernetesIdentity)), ErrPlatformMismatch, "the identity sent wins")
	assert.NoError(t, catalog.checkRequest(options, ptr("")), "no identity sent")
}

func TestCatalog_CheckRequestRefusesWhatIsNotOptions(t *testing.T) {
	var parameterErr *ParameterError
	require.ErrorAs(t, newRulesCatalog(t).CheckRequest(struct{}{}), &parameterErr)
	assert.Contains(t, parameterErr.Error(), "struct {}")
}

func TestCatalog_ErrorsNameWhatTheCatalogSaysAndWhatToDo(t *testing.T) {
	err := newRulesCatalog(t).CheckRequest(&ReplaceServiceBindingOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-fixed-id")})
	assert.EqualError(t, err, `ReplaceServiceBinding: not sent: the plan is not bindable: plan "fixed" of service offering "db" has bindable false; `+
		`bind only instances of bindable plans (Binding)`)
	err = newRulesCatalog(t).CheckRequest(&ReplaceServiceInstanceOptions{ServiceID: ptr("nope"), PlanID: ptr("p")})
	assert.Contains(t, err.Error(), `no service offering has id "nope" (the catalog has "db-id", "queue-id")`)
}

// Every Options type the generated operations define has a case in checkRequest, so that a new
// operation cannot slip past the catalog's rules unnoticed.
func TestCatalog_CheckRequestCoversEveryOperation(t *testing.T) {
	files, err := filepath.Glob("op_*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	var optionsTypes []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, decl := range file.Decls {
			if gen, ok := decl.(*ast.GenDecl); ok && gen.Tok == token.TYPE {
				for _, spec := range gen.Specs {
					if name := spec.(*ast.TypeSpec).Name.Name; strings.HasSuffix(name, "Options") {
						optionsTypes = append(optionsTypes, name)
					}
				}
			}
		}
	}
	require.NotEmpty(t, optionsTypes)
	guarded := switchCases(t, "guards.go", "checkRequest")
	for _, name := range optionsTypes {
		assert.True(t, slices.Contains(guarded, name), "checkRequest has no case for *%s", name)
	}
}

// switchCases lists the pointer types of the type switch in function name of file.
func switchCases(t *testing.T, file, name string) []string {
	t.Helper()
	parsed, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	require.NoError(t, err)
	var cases []string
	ast.Inspect(parsed, func(node ast.Node) bool {
		fn, ok := node.(*ast.FuncDecl)
		if !ok || fn.Name.Name != name {
			return true
		}
		ast.Inspect(fn.Body, func(node ast.Node) bool {
			if clause, ok := node.(*ast.CaseClause); ok {
				for _, expr := range clause.List {
					if star, ok := expr.(*ast.StarExpr); ok {
						if ident, ok := star.X.(*ast.Ident); ok {
							cases = append(cases, ident.Name)
						}
					}
				}
			}
			return true
		})
		return false
	})
	return cases
}

func TestCatalog_CheckBinding(t *testing.T) {
	catalog := newRulesCatalog(t)
	tests := []struct {
		name      string
		serviceID string
		binding   *BindingPutResp
		rule      error
	}{
		{"syslog drain without requires", "db-id", &BindingPutResp{SyslogDrainURL: ptr("syslog://logs.example.com")}, ErrSyslogDrainNotDeclared},
		{"volume mounts without requires", "db-id", &BindingPutResp{VolumeMounts: []VolumeMount{{}}}, ErrVolumeMountNotDeclared},
		{"route service URL without requires", "queue-id", &BindingPutResp{RouteServiceURL: ptr("https://proxy.example.com")}, ErrRouteForwardingNotDeclared},
		{"route service URL with requires", "db-id", &BindingPutResp{RouteServiceURL: ptr("https://proxy.example.com")}, nil},
		{"credentials only", "queue-id", &BindingPutResp{Credentials: map[string]any{"uri": "amqp://"}}, nil},
		{"unknown service", "nope", &BindingPutResp{}, ErrUnknownService},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := catalog.CheckBinding(tt.serviceID, tt.binding)
			if tt.rule == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.rule)
			if tt.rule != ErrUnknownService {
				assert.Contains(t, err.Error(), "CheckBinding: the broker's answer breaks the catalog: ")
			}
		})
	}
}

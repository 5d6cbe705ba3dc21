package sdkgen

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

const (
	petstoreSpec   = "testdata/petstore/openapi.yaml"
	petstoreGolden = "testdata/petstore/petstorev2"
	// The library loans spec uses no extension: its package name is the generator's default.
	loansSpec    = "testdata/libraryloans/openapi.yaml"
	loansGolden  = "testdata/libraryloans/libraryloansapiv3"
	commonImport = "github.com/osbkit/osb-go-sdk/common"
)

func render(t *testing.T, spec, pkg string) []File {
	t.Helper()
	api, err := Load(context.Background(), Config{SpecPath: spec, Package: pkg, CommonImport: commonImport})
	require.NoError(t, err)
	files, err := Render(api)
	require.NoError(t, err)
	return files
}

// checkGolden compares a fresh render with the committed directory (rewritten with -update).
func checkGolden(t *testing.T, files []File, dir string) {
	t.Helper()
	if *update {
		require.NoError(t, os.RemoveAll(dir))
		_, err := Output{Dir: dir, Root: dir, Generate: files}.Write()
		require.NoError(t, err)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, len(files), "golden directory holds exactly the generated files")
	for _, f := range files {
		want, err := os.ReadFile(filepath.Join(dir, f.Path))
		require.NoError(t, err, "golden file missing; run go test ./internal/sdkgen -update")
		assert.Equal(t, string(want), string(f.Content), f.Path)
	}
}

// TestGoldenPetstore pins what the generator writes for a spec other than ours.
func TestGoldenPetstore(t *testing.T) {
	checkGolden(t, render(t, petstoreSpec, "petstorev2"), petstoreGolden)
}

// TestGoldenLibraryLoans pins what the generator writes for a spec without any extension.
func TestGoldenLibraryLoans(t *testing.T) {
	checkGolden(t, render(t, loansSpec, ""), loansGolden)
}

// TestGoldenOpenServiceBroker checks that the committed package is what our spec generates;
// the files listed in .openapi-generator-ignore are hand-maintained and skipped.
func TestGoldenOpenServiceBroker(t *testing.T) {
	root := filepath.Join("..", "..")
	files := render(t, filepath.Join(root, "openapi.yaml"), "openservicebrokerv1")
	ignoreFile, err := os.Open(filepath.Join(root, ".openapi-generator-ignore"))
	require.NoError(t, err)
	defer ignoreFile.Close()
	rules, err := ParseIgnore(ignoreFile)
	require.NoError(t, err)
	compared := 0
	for _, f := range files {
		if rules.Ignored("openservicebrokerv1/" + f.Path) {
			continue
		}
		want, err := os.ReadFile(filepath.Join(root, "openservicebrokerv1", f.Path))
		require.NoError(t, err, "run make generate")
		assert.Equal(t, string(want), string(f.Content), f.Path)
		compared++
	}
	assert.Greater(t, compared, 12, "every operation and model file is compared")
}

// TestGoldenOutputCompiles proves that the output for other specs builds and passes vet.
func TestGoldenOutputCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	cmd := exec.Command("go", "vet", "./"+petstoreGolden, "./"+loansGolden)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
}

func TestEveryGeneratedFileCarriesTheHeader(t *testing.T) {
	for _, f := range render(t, petstoreSpec, "petstorev2") {
		assert.True(t, strings.HasPrefix(string(f.Content), GeneratedHeader+"\n"), f.Path)
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	for _, spec := range []string{petstoreSpec, loansSpec} {
		first := render(t, spec, "p")
		for range 3 {
			assert.Equal(t, first, render(t, spec, "p"), spec)
		}
	}
}

func TestLoadReportsProblemsWithTheirSpecLocation(t *testing.T) {
	const head = "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\n  x-sdkgen-client: TV1\n  x-sdkgen-service-name: t\npaths:\n"
	cases := []struct {
		name, spec, want string
	}{
		{
			name: "missing operationId",
			spec: head + "  /a:\n    get:\n      responses:\n        '200': {description: ok}\n",
			want: "spec.yaml:9 (#/paths/~1a/get): operationId is missing",
		},
		{
			name: "inline schema named like a component",
			spec: head + "  /a:\n    get:\n      operationId: get_a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: object, properties: {x: {type: string}}}\ncomponents:\n  schemas:\n    GetAResponse: {type: object, properties: {y: {type: string}}}\n",
			want: "the Go type GetAResponse is already generated for #/components/schemas/GetAResponse; set x-sdkgen-model",
		},
		{
			name: "operation named like a component's options",
			spec: head + "  /a:\n    get:\n      operationId: get_a\n      responses:\n        '204': {description: ok}\ncomponents:\n  schemas:\n    GetAOptions: {type: object, properties: {y: {type: string}}}\n",
			want: "the Go type GetAOptions is already generated for #/components/schemas/GetAOptions; change its operationId",
		},
		{
			name: "cookie parameter",
			spec: head + "  /a:\n    get:\n      operationId: get_a\n      parameters:\n        - {name: session, in: cookie, schema: {type: string}}\n      responses:\n        '200': {description: ok}\n",
			want: "spec.yaml:12 (#/paths/~1a/get/parameters/0): cookie parameter session",
		},
		{
			name: "enum values with one Go name",
			spec: head + "  /a:\n    get:\n      operationId: get_a\n      parameters:\n        - {name: q, in: query, schema: {type: string, enum: [in-use, in_use]}}\n      responses:\n        '200': {description: ok}\n",
			want: `enum values "in-use" and "in_use" both map to the Go constant GetAOptionsQInUseConst`,
		},
		{
			name: "request body without properties",
			spec: head + "  /a:\n    put:\n      operationId: put_a\n      requestBody:\n        content:\n          application/json:\n            schema: {type: array, items: {type: string}}\n      responses:\n        '204': {description: ok}\n",
			want: "the request body must be an object schema with properties",
		},
		{
			name: "query parameter without a text form",
			spec: head + "  /a:\n    get:\n      operationId: get_a\n      parameters:\n        - {name: q, in: query, schema: {type: object}}\n      responses:\n        '200': {description: ok}\n",
			want: "query parameter q must be a scalar or an array of strings",
		},
		{
			name: "constructor names an unknown parameter",
			spec: head + "  /a:\n    get:\n      operationId: get_a\n      x-sdkgen-constructor: [nope]\n      responses:\n        '200': {description: ok}\n",
			want: `spec.yaml:9 (#/paths/~1a/get): x-sdkgen-constructor names "nope"`,
		},
		{
			name: "body hook on an operation without a body",
			spec: head + "  /a:\n    get:\n      operationId: get_a\n      x-sdkgen-body-hook: completeA\n      responses:\n        '200': {description: ok}\n",
			want: "spec.yaml:9 (#/paths/~1a/get): x-sdkgen-body-hook must name a Go function, on an operation with a request body",
		},
		{
			name: "client name not a string",
			spec: "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\n  x-sdkgen-client: [T]\npaths: {}\n",
			want: `spec.yaml:2 (#/info): x-sdkgen-client must be a non-empty string (or left out for "TV1")`,
		},
		{
			name: "one-pass decoding of a model that keeps additional properties",
			spec: head + "  /a:\n    get:\n      operationId: get_a\n      responses:\n        '204': {description: ok}\ncomponents:\n  schemas:\n    A: {type: object, additionalProperties: true, x-sdkgen-one-pass: true, properties: {y: {type: string}}}\n",
			want: "(#/components/schemas/A): x-sdkgen-one-pass is not possible on a model that keeps additional properties",
		},
		{
			name: "invalid OpenAPI",
			spec: head + "  /a:\n    get:\n      operationId: get_a\n",
			want: "invalid OpenAPI document",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "spec.yaml")
			require.NoError(t, os.WriteFile(path, []byte(tc.spec), 0o644))
			_, err := Load(context.Background(), Config{SpecPath: path, Package: "t"})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestIgnoreRulesFollowGitignore(t *testing.T) {
	rules, err := ParseIgnore(strings.NewReader("# hand-maintained\n\nopenservicebrokerv1/hooks.go\n*.tmp\ndocs/\n**/skip_*.go\n!keep_skip_me.go\nonly/*.go\n"))
	require.NoError(t, err)
	cases := map[string]bool{
		"openservicebrokerv1/hooks.go":       true,
		"openservicebrokerv1/service.go":     false,
		"other/openservicebrokerv1/hooks.go": false,
		"a/b/c.tmp":                          true,
		"docs/x.go":                          true,
		"docs":                               false,
		"a/skip_this.go":                     true,
		"skip_root.go":                       true,
		"only/x.go":                          true,
		"only/deeper/x.go":                   false,
	}
	for path, want := range cases {
		assert.Equal(t, want, rules.Ignored(path), path)
	}
}

func TestWriteHonoursIgnoreAndRemovesStaleGeneratedFiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "pkg")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	write := func(name, content string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	write("hooks.go", "package pkg // hand-maintained\n")
	write("op_removed.go", GeneratedHeader+"\n\npackage pkg\n")
	write("errors.go", "package pkg\n")
	rules, err := ParseIgnore(strings.NewReader("pkg/hooks.go\n"))
	require.NoError(t, err)

	changed, err := Output{Dir: dir, Root: root, Ignore: rules, Generate: []File{
		{Path: "hooks.go", Content: []byte(GeneratedHeader + "\npackage pkg\n")},
		{Path: "service.go", Content: []byte(GeneratedHeader + "\npackage pkg\n")},
	}}.Write()
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"pkg/service.go", "pkg/op_removed.go"}, changed)

	hooks, _ := os.ReadFile(filepath.Join(dir, "hooks.go"))
	assert.Equal(t, "package pkg // hand-maintained\n", string(hooks), "an ignored path is never written")
	assert.NoFileExists(t, filepath.Join(dir, "op_removed.go"), "a generated file the spec no longer produces is removed")
	assert.FileExists(t, filepath.Join(dir, "errors.go"), "hand-written files are left alone")
}

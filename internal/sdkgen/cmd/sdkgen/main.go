// Command sdkgen generates the Go client package from an OpenAPI 3.0 document.
//
//	go run ./internal/sdkgen/cmd/sdkgen -spec openapi.yaml -out openservicebrokerv1
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/osbkit/osb-go-sdk/internal/sdkgen"
)

func main() {
	spec := flag.String("spec", "openapi.yaml", "OpenAPI 3.0 document")
	out := flag.String("out", "openservicebrokerv1", "output directory of the generated package")
	pkg := flag.String("package", "", "Go package name (default: the output directory's name)")
	common := flag.String("common", "github.com/osbkit/osb-go-sdk/common", "import path of the package providing GetSdkHeaders")
	ignore := flag.String("ignore", ".openapi-generator-ignore", "gitignore-style list of generated paths that are hand-maintained; relative to its own directory")
	verbose := flag.Bool("v", false, "list the files written or removed")
	flag.Parse()

	if *pkg == "" {
		*pkg = filepath.Base(filepath.Clean(*out))
	}
	cfg := sdkgen.Config{SpecPath: *spec, Package: *pkg, CommonImport: *common}
	changed, err := sdkgen.Generate(context.Background(), cfg, *out, filepath.Dir(*ignore), *ignore)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
	if *verbose {
		for _, path := range changed {
			fmt.Println(path)
		}
	}
}

package engine

import (
	"os"
	"testing"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

func TestMain(m *testing.M) {
	code := testkit.Main(m)
	postgres.Stop()
	os.Exit(code)
}

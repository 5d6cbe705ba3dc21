package demo

import (
	"os"
	"testing"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

package seedsnippets_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/osbkit/osb-go-sdk/internal/seedsnippets"
)

func TestRunReturnsWhatTheSnippetPrinted(t *testing.T) {
	stdout := os.Stdout
	printed, panicked := seedsnippets.Run(func() { fmt.Println(`{"operation": "task_10"}`) })
	assert.Equal(t, "{\"operation\": \"task_10\"}\n", printed)
	assert.Nil(t, panicked)
	assert.Same(t, stdout, os.Stdout, "standard output is restored")
}

func TestRunRecoversAPanicAndKeepsWhatWasPrintedBefore(t *testing.T) {
	stdout := os.Stdout
	failure := errors.New("broker answered 500")
	printed, panicked := seedsnippets.Run(func() {
		fmt.Print("before")
		panic(failure)
	})
	assert.Equal(t, "before", printed)
	assert.Same(t, failure, panicked)
	assert.Same(t, stdout, os.Stdout, "standard output is restored after a panic")
}

// A catalog may print more than a pipe buffers; Run must read while the snippet writes.
func TestRunCapturesMoreThanAPipeBuffers(t *testing.T) {
	large := strings.Repeat("x", 1<<18)
	printed, panicked := seedsnippets.Run(func() { fmt.Print(large) })
	assert.Nil(t, panicked)
	assert.Len(t, printed, len(large))
}

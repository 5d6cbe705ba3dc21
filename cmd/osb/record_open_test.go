package main

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Runs that start at once on a new record race to create it and switch it to WAL; none may
// fail with "database is locked".
func TestRecordsOpenedAtOnceOnANewFileAllOpen(t *testing.T) {
	for round := range 30 {
		path := filepath.Join(t.TempDir(), "osb", "osb.db")
		const runs = 8
		var wg sync.WaitGroup
		errs := make([]error, runs)
		for i := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec, err := openRecord(path)
				if err == nil {
					err = rec.put(entry{Broker: "b", InstanceID: fmt.Sprint(i), Kind: "provision", State: stateSucceeded})
					rec.close()
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "round %d run %d", round, i)
		}
		rec, err := openRecord(path)
		require.NoError(t, err)
		entries, err := rec.list(false, "")
		rec.close()
		require.NoError(t, err)
		assert.Len(t, entries, runs)
	}
}

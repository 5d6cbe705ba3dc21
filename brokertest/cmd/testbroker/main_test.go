package main

import (
	"bufio"
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

func parseEnv(t *testing.T, content string) map[string]string {
	env := map[string]string{}
	scanner := bufio.NewScanner(strings.NewReader(content))
	for scanner.Scan() {
		if key, value, ok := strings.Cut(scanner.Text(), "="); ok {
			env[key] = value
		}
	}
	require.NoError(t, scanner.Err())
	return env
}

func TestRunServesUntilCancelled(t *testing.T) {
	readyFile := filepath.Join(t.TempDir(), "broker.env")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr testkit.SyncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-username", "u", "-password", "p",
			"-async-polls", "0", "-ready-file", readyFile}, &stdout, &stderr)
	}()

	var content []byte
	require.Eventually(t, func() bool {
		var err error
		content, err = os.ReadFile(readyFile)
		return err == nil
	}, 30*time.Second, 5*time.Millisecond, "ready file; stderr: %s", stderr.String())
	env := parseEnv(t, string(content))
	assert.Equal(t, "basic", env["OPEN_SERVICE_BROKER_AUTH_TYPE"])
	assert.Equal(t, "u", env["OPEN_SERVICE_BROKER_USERNAME"])
	assert.Equal(t, "p", env["OPEN_SERVICE_BROKER_PASSWORD"])
	assert.Equal(t, brokertest.DefaultServiceID, env["OPEN_SERVICE_BROKER_SERVICE_ID"])
	assert.Equal(t, brokertest.DefaultSyncPlanID, env["OPEN_SERVICE_BROKER_PLAN_ID"])
	assert.Equal(t, brokertest.DefaultAsyncPlanID, env["OPEN_SERVICE_BROKER_ASYNC_PLAN_ID"])
	assert.Contains(t, stdout.String(), "testbroker: listening on "+env["OPEN_SERVICE_BROKER_URL"])

	req, err := http.NewRequest(http.MethodGet, env["OPEN_SERVICE_BROKER_URL"]+"/v2/catalog", nil)
	require.NoError(t, err)
	req.SetBasicAuth("u", "p")
	req.Header.Set("X-Broker-API-Version", "2.17")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	assert.NoFileExists(t, readyFile, "the ready file goes away with the broker")
}

func TestRunRejectsBadSettings(t *testing.T) {
	catalog := filepath.Join(t.TempDir(), "catalog.json")
	require.NoError(t, os.WriteFile(catalog, []byte(`{"services": []}`), 0o600))
	tests := map[string][]string{
		"unknown flag":         {"-nope"},
		"stray argument":       {"serve"},
		"missing catalog":      {"-catalog", filepath.Join(t.TempDir(), "missing.json")},
		"empty catalog":        {"-catalog", catalog},
		"unknown fail kind":    {"-fail", "explode"},
		"fault rate":           {"-fault-rate", "2"},
		"unknown misbehaviour": {"-misbehave", "create-answers-200,be-rude"},
		"negative lifetime":    {"-binding-lifetime", "-1s"},
	}
	for name, args := range tests {
		t.Run(name, func(t *testing.T) {
			var out testkit.SyncBuffer
			err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, args...), &out, &out)
			assert.Error(t, err)
		})
	}
}

func TestCustomCatalogEnvironment(t *testing.T) {
	catalog := filepath.Join(t.TempDir(), "catalog.json")
	doc := `{"services": [
		{"id": "plain", "name": "plain", "bindable": false, "plans": [{"id": "p0"}]},
		{"id": "db", "name": "db", "bindable": true, "plans": [{"id": "slow"}, {"id": "fast"}]}]}`
	require.NoError(t, os.WriteFile(catalog, []byte(doc), 0o600))
	s, err := parseFlags([]string{"-catalog", catalog, "-async-plans", "slow"}, &testkit.SyncBuffer{})
	require.NoError(t, err)
	_, err = s.options(&testkit.SyncBuffer{})
	require.NoError(t, err)

	service, ok := firstBindable(s.catalog)
	require.True(t, ok)
	syncPlan, asyncPlan := splitPlans(service, s.effectiveAsyncPlans())
	assert.Equal(t, []string{"db", "fast", "slow"}, []string{service.ID, syncPlan, asyncPlan})
}

func TestMisbehaveLenientAndRotatableFlags(t *testing.T) {
	s, err := parseFlags([]string{"-lenient", "-misbehave", "state-spelling, no-operation", "-rotatable-plans", "a,b", "-binding-lifetime", "1h"}, &testkit.SyncBuffer{})
	require.NoError(t, err)
	assert.True(t, s.lenient)
	assert.Equal(t, []string{"state-spelling", "no-operation"}, s.misbehaviours)
	assert.Equal(t, []string{"a", "b"}, s.rotatablePlans)
	assert.Equal(t, time.Hour, s.bindingLifetime)
	opts, err := s.options(&testkit.SyncBuffer{})
	require.NoError(t, err)
	srv, err := brokertest.Start(append(opts, brokertest.WithAddr("127.0.0.1:0"))...)
	require.NoError(t, err)
	srv.Close()

	var help testkit.SyncBuffer
	_, err = parseFlags([]string{"-h"}, &help)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, m := range brokertest.Misbehaviours() {
		assert.Contains(t, help.String(), string(m), "the help lists every misbehaviour")
	}
}

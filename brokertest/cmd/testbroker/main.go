// Command testbroker serves the brokertest Open Service Broker as a separate process, for manual
// use and for tools and tests that talk to a broker by URL.
//
//	go run ./brokertest/cmd/testbroker -addr 127.0.0.1:8080 -username u -password p
//
// It prints the environment variables a client needs (OPEN_SERVICE_BROKER_URL, _AUTH_TYPE,
// _USERNAME, _PASSWORD, and the service and plan ids to use), then a line
// "testbroker: listening on URL". With -ready-file it also writes those variables to a file once
// it is listening, so that scripts can wait for the file. It stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "testbroker:", err)
		os.Exit(1)
	}
}

// run serves the broker until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	settings, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	opts, err := settings.options(stderr)
	if err != nil {
		return err
	}
	srv, err := brokertest.Start(opts...)
	if err != nil {
		return err
	}
	defer srv.Close()

	env := clientEnvironment(srv, settings)
	fmt.Fprint(stdout, env)
	if settings.readyFile != "" {
		if err := writeReadyFile(settings.readyFile, env); err != nil {
			return err
		}
		defer os.Remove(settings.readyFile) // a stale file would tell the next script we are up
	}
	fmt.Fprintf(stdout, "testbroker: listening on %s\n", srv.URL)

	<-ctx.Done()
	fmt.Fprintln(stdout, "testbroker: shutting down")
	return nil
}

// writeReadyFile writes the file in one step, so a script never reads half of it.
func writeReadyFile(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return fmt.Errorf("writing ready file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing ready file: %w", err)
	}
	return nil
}

func newLogger(verbose bool, stderr io.Writer) *slog.Logger {
	if !verbose {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(stderr, nil))
}

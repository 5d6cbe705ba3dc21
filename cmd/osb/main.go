// Command osb talks to an Open Service Broker (OSB v2.17) from a terminal or a script: read the
// catalog, provision, update, deprovision, bind, unbind and rotate, follow asynchronous
// operations, read instances and bindings, manage IBM Cloud's instance state, and walk a demo
// lifecycle against an embedded broker.
//
//	go install github.com/osbkit/osb-go-sdk/cmd/osb@latest
//	osb demo
//
// It is built on the public API of package openservicebrokerv1 and configured as that package's
// NewOpenServiceBrokerV1UsingExternalConfig is (OPEN_SERVICE_BROKER_* variables or a credentials
// file), with flags taking precedence. `osb --help` lists the commands and the exit codes.
package main

import (
	"context"
	"os"
	"os/signal"

	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	a := &app{
		stdin:         os.Stdin,
		stdout:        os.Stdout,
		stderr:        os.Stderr,
		terminal:      term.IsTerminal(int(os.Stderr.Fd())),
		stdinTerminal: term.IsTerminal(int(os.Stdin.Fd())),
		readSecret: func() (string, error) {
			password, err := term.ReadPassword(int(os.Stdin.Fd()))
			return string(password), err
		},
	}
	if a.terminal {
		a.columns, _, _ = term.GetSize(int(os.Stderr.Fd()))
	}
	code := a.execute(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Command chaosproc plays the processes of the engine's crash soak (package chaos): "chaosproc
// broker SETTINGS" serves the fault-injecting brokers until its input ends, "chaosproc platform
// SETTINGS" runs lifecycles through the engine until they end. SETTINGS is JSON. The soak's test
// builds and runs it; it is not meant for use by hand.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/osbkit/osb-go-sdk/engine/internal/chaos"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "chaosproc:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: chaosproc broker|platform SETTINGS")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "broker":
		var settings chaos.BrokerSettings
		if err := json.Unmarshal([]byte(args[1]), &settings); err != nil {
			return err
		}
		return chaos.ServeBrokers(settings, os.Stdin, os.Stdout)
	case "platform":
		var settings chaos.PlatformSettings
		if err := json.Unmarshal([]byte(args[1]), &settings); err != nil {
			return err
		}
		return chaos.RunPlatform(ctx, settings, os.Stdout, os.Stderr)
	}
	return fmt.Errorf("unknown role %q: broker or platform", args[0])
}

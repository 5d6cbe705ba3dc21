package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/common"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// versionInfo is what `osb version` reports.
type versionInfo struct {
	SDK              string `json:"sdk"`
	Module           string `json:"module,omitempty"`
	BrokerAPIVersion string `json:"broker_api_version"`
	Go               string `json:"go"`
}

func (a *app) newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the versions of osb, the SDK and the OSB API it speaks",
		Args:  cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) (*outcome, error) {
			info := versionInfo{SDK: common.Version, BrokerAPIVersion: openservicebrokerv1.DefaultBrokerAPIVersion}
			if build, ok := debug.ReadBuildInfo(); ok {
				info.Module, info.Go = build.Main.Version, build.GoVersion
			}
			o := &outcome{Answer: info}
			o.table = func(w io.Writer) {
				fmt.Fprintf(w, "osb %s (osb-go-sdk %s, OSB API %s, %s)\n", info.Module, info.SDK, info.BrokerAPIVersion, info.Go)
			}
			return o, nil
		}),
	}
}

package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/pivotal-cf/brokerapi/v12/domain"
)

// clientEnvironment returns the KEY=value lines a client needs: the external configuration of
// the SDK, and the service and plans to use (first bindable service, its first synchronous and
// first asynchronous plan).
func clientEnvironment(srv *brokertest.Server, s settings) string {
	vars := [][2]string{
		{"OPEN_SERVICE_BROKER_URL", srv.URL},
		{"OPEN_SERVICE_BROKER_AUTH_TYPE", "basic"},
		{"OPEN_SERVICE_BROKER_USERNAME", srv.Username},
		{"OPEN_SERVICE_BROKER_PASSWORD", srv.Password},
	}
	if service, ok := firstBindable(s.catalog); ok {
		syncPlan, asyncPlan := splitPlans(service, s.effectiveAsyncPlans())
		vars = append(vars, [2]string{"OPEN_SERVICE_BROKER_SERVICE_ID", service.ID})
		if syncPlan != "" {
			vars = append(vars, [2]string{"OPEN_SERVICE_BROKER_PLAN_ID", syncPlan})
		}
		if asyncPlan != "" {
			vars = append(vars, [2]string{"OPEN_SERVICE_BROKER_ASYNC_PLAN_ID", asyncPlan})
		}
	}
	var b strings.Builder
	for _, v := range vars {
		fmt.Fprintf(&b, "%s=%s\n", v[0], v[1])
	}
	return b.String()
}

func firstBindable(catalog []domain.Service) (domain.Service, bool) {
	for _, s := range catalog {
		if s.Bindable {
			return s, true
		}
	}
	return domain.Service{}, false
}

// splitPlans returns the service's first synchronous and first asynchronous plan ids.
func splitPlans(service domain.Service, asyncPlans []string) (syncPlan, asyncPlan string) {
	for _, p := range service.Plans {
		switch async := slices.Contains(asyncPlans, p.ID); {
		case async && asyncPlan == "":
			asyncPlan = p.ID
		case !async && syncPlan == "":
			syncPlan = p.ID
		}
	}
	return syncPlan, asyncPlan
}

package worker

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/switchyard/switchyard/activities"
	"github.com/switchyard/switchyard/config"
)

// CRMBackendSpec is one CRM the CRM activities can run against.
type CRMBackendSpec struct {
	// Credential is the variable without which the backend is disabled.
	Credential string
	// New builds the backend once its credential is set, so it never returns
	// a nil backend without an error (a typed nil pointer in the interface
	// would not read as "disabled"). setting reads the
	// backend's variables by name (config.Config.Setting), so a backend
	// needs no fields in config, only its lines in config's doc comment.
	New func(setting func(key string) string) (activities.CRMBackend, error)
}

// CRMBackends are the CRMs SWITCHYARD_CRM can name. Adding one (Salesforce:
// upsert by an External ID field) is a file in activities/ implementing
// activities.CRMBackend and one entry here.
var CRMBackends = map[string]CRMBackendSpec{
	"hubspot": {Credential: "HUBSPOT_TOKEN", New: func(setting func(string) string) (activities.CRMBackend, error) {
		return activities.NewHubSpot(activities.HubSpotConfig{Token: setting("HUBSPOT_TOKEN"),
			APIURL: setting("HUBSPOT_API_URL"), StageRefunded: setting("HUBSPOT_DEAL_STAGE_REFUNDED")})
	}},
}

// CRMChoice is the backend SelectCRM chose.
type CRMChoice struct {
	Name    string                // the backend's name; empty when none was chosen
	Backend activities.CRMBackend // nil: the CRM integration is disabled
	Missing string                // with Backend nil, the variable(s) to set
}

// SelectCRM chooses the CRM backend: the one cfg.CRM names or, with it
// empty, the one whose credential is set. A backend without its credential
// is not an error (the integration is disabled, and Missing says what to
// set); an unknown name, two backends with credentials and no choice
// between them, or a backend that cannot be built are.
func SelectCRM(cfg config.Config) (CRMChoice, error) {
	names := slices.Sorted(maps.Keys(CRMBackends))
	if cfg.CRM != "" {
		if _, ok := CRMBackends[cfg.CRM]; !ok {
			return CRMChoice{}, fmt.Errorf("SWITCHYARD_CRM: unknown CRM %q (want one of %s)", cfg.CRM, strings.Join(names, ", "))
		}
		names = []string{cfg.CRM}
	}
	var set, credentials []string
	for _, name := range names {
		credentials = append(credentials, CRMBackends[name].Credential)
		if cfg.Setting(CRMBackends[name].Credential) != "" {
			set = append(set, name)
		}
	}
	switch len(set) {
	case 0:
		return CRMChoice{Name: cfg.CRM, Missing: strings.Join(credentials, " or ")}, nil
	case 1:
	default:
		return CRMChoice{}, fmt.Errorf("credentials of several CRMs are set (%s): set SWITCHYARD_CRM to one of them", strings.Join(set, ", "))
	}
	spec := CRMBackends[set[0]]
	b, err := spec.New(cfg.Setting)
	if err != nil {
		return CRMChoice{}, fmt.Errorf("%s integration: %w", set[0], err)
	}
	return CRMChoice{Name: set[0], Backend: b}, nil
}

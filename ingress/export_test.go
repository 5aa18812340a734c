package ingress

import "time"

// SetNow fixes a HubSpot source's clock, for fuzzing with fixed timestamps.
func (h *HubSpot) SetNow(now func() time.Time) { h.now = now }

// ClassifyStartError is classifyStartError, for its table test and for fake
// starters that fail the way TemporalStarter does.
var ClassifyStartError = classifyStartError

package ingress

import "time"

// SetNow fixes a HubSpot source's clock, for fuzzing with fixed timestamps.
func (h *HubSpot) SetNow(now func() time.Time) { h.now = now }

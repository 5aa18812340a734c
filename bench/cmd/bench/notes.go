package main

import (
	"fmt"
	"strings"
)

// The targets of issue 6; the table's verdicts and the notes both use them.
const (
	minThroughput = 0.90 // ingress starts/s ÷ raw SDK starts/s, at every concurrency
	maxP99        = 1.5  // ingress ack p99 ÷ raw StartWorkflow p99, at half saturation
	minDup        = 1.0  // duplicate deliveries/s ÷ unique ones
	maxVerify     = 2.0  // verification ÷ bare HMAC-SHA256 of the same bytes

	// minPlausible is the lowest verify ratio that is not noise: each check
	// computes at least the bare HMAC.
	minPlausible = 0.8
)

// notes is the text under the tables: a line for each target not met (the
// figure against the target), and what explains it — where the ingress's
// CPU went for the load targets, what a check allocates for verification —
// so the file explains itself.
func (r report) notes(o options) string {
	var lines []string
	add := func(format string, a ...any) { lines = append(lines, "- "+fmt.Sprintf(format, a...)) }
	for _, s := range r.servers {
		missed := false
		for _, c := range o.concs {
			if ratio := s.ing[c] / s.raw[c]; !(ratio >= minThroughput) {
				missed = true
				add("%s, throughput at c=%d: ingress/raw %s (%.0f vs %.0f starts/s), target ≥ %.2f.", s.name, c, ratioBeside(ratio, minThroughput), s.ing[c], s.raw[c], minThroughput)
			}
		}
		if p := s.ingLat[2] / s.rawLat[2]; !(p <= maxP99) {
			missed = true
			add("%s, ack p99 at %.0f/s: %.1f ms, %s× raw (%.1f ms), target ≤ %.1f×.", s.name, s.rate, s.ingLat[2], ratioBeside(p, maxP99), s.rawLat[2], maxP99)
		}
		if d := s.dup / s.uniq; !(d >= minDup) {
			missed = true
			add("%s, duplicates: %.2f× the unique rate (%.0f vs %.0f events/s), target ≥ %.1f.", s.name, d, s.dup, s.uniq, minDup)
		}
		if missed {
			add("%s, what the profile shows: %s", s.name, s.profile)
		}
		if s.rawErrors+s.ingErrors > 0 {
			add("%s had %d raw and %d ingress errors during the throughput runs (see the bench's stderr).", s.name, s.rawErrors, s.ingErrors)
		}
	}
	if e := r.e2e; e.events > 0 && (e.deals < e.events || e.contacts < e.events || e.posts < e.events) {
		add("end to end: of %d events only %d deals, %d contacts and %d Slack posts were recorded; see the worker's log.", e.events, e.deals, e.contacts, e.posts)
	}
	if len(r.micro.ns) > 0 {
		h4, h64 := r.micro.ns["HMAC/4KB"], r.micro.ns["HMAC/64KB"]
		floorNoted := false
		for _, src := range sources {
			k4, k64 := "Verify/"+src+"/4KB", "Verify/"+src+"/64KB"
			v4, v64 := r.micro.ns[k4]/h4, r.micro.ns[k64]/h64
			if min(v4, v64) < minPlausible && !floorNoted {
				floorNoted = true
				add("bare HMAC-SHA256 (%s / %s) is noisy: verify %s took %.2f× / %.2f× of it, yet every check computes that HMAC. "+
					"The verify ratios of this run are not to be trusted; rerun on an idle machine.", us(h4), us(h64), src, v4, v64)
			}
			if v4 <= maxVerify && v64 <= maxVerify {
				continue
			}
			var why string
			switch {
			case r.micro.bytes[k64] > 64<<10:
				why = " — more than the body itself: the check copies the body"
			case v64 <= maxVerify:
				why = "; no copy of the body, and within target at 64 KB: the excess is fixed per-check work (headers, decoding, the error value), which weighs most on small bodies"
			default:
				why = "; no copy of the body, so the excess at 64 KB is per-byte work beyond the MAC, or noise from a busy machine"
			}
			add("verify %s: %.2f× / %.2f× a bare HMAC-SHA256 (4 KB / 64 KB), target ≤ %.0f×. It allocates %s / %s per check, the bare HMAC %s%s.",
				src, v4, v64, maxVerify, kb(r.micro.bytes[k4]), kb(r.micro.bytes[k64]), kb(r.micro.bytes["HMAC/64KB"]), why)
		}
	}
	if len(lines) == 0 {
		return "Every target met.\n"
	}
	return "Targets not met, and why:\n\n" + strings.Join(lines, "\n") + "\n"
}

func kb(bytes float64) string { return fmt.Sprintf("%.1f KB", bytes/1024) }

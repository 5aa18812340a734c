package main

import (
	"strings"
	"testing"
	"time"
)

func TestNotesNameEachMissedTarget(t *testing.T) {
	o := options{concs: []int{8, 32}}
	s := serverFigures{name: "in memory", raw: map[int]float64{8: 100, 32: 100}, ing: map[int]float64{8: 95, 32: 80},
		rate: 50, rawLat: [3]float64{1, 2, 10}, ingLat: [3]float64{1, 2, 16}, uniq: 100, dup: 300,
		profile: ingressProfile{conc: 32, window: time.Second, busy: 1.9, cpu: 500 * time.Millisecond, perSec: 80,
			parts: []share{{parts[0].name, 0.6}, {"GC", 0.4}}, hottest: []share{{"runtime.futex", 0.2}}}}
	m := micro{ns: map[string]float64{"HMAC/4KB": 1000, "HMAC/64KB": 10000}, bytes: map[string]float64{"HMAC/64KB": 512}}
	for _, src := range sources {
		m.ns["Verify/"+src+"/4KB"], m.ns["Verify/"+src+"/64KB"] = 1100, 11000
	}
	m.ns["Verify/slack/64KB"], m.bytes["Verify/slack/64KB"] = 30000, 200<<10
	got := report{servers: []serverFigures{s}, micro: m}.notes(o)
	for _, want := range []string{
		"in memory, throughput at c=32: ingress/raw 0.80",
		"in memory, ack p99 at 50/s: 16.0 ms, 1.60× raw",
		"in memory, what the profile shows: ingress CPU profile at c=32 (its lowest ingress/raw ratio) over 1s (50 samples): 0.50 cores, 6.25 ms CPU per accepted request",
		"the machine had 1.90 of its",
		"verify slack: 1.10× / 3.00×", "the check copies the body",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("notes lack %q:\n%s", want, got)
		}
	}
	for _, not := range []string{"c=8:", "duplicates", "verify stripe", "is noisy"} {
		if strings.Contains(got, not) {
			t.Errorf("notes name a met target (%q):\n%s", not, got)
		}
	}
}

func TestNotesDistrustANoisyHMACFloor(t *testing.T) {
	m := micro{ns: map[string]float64{"HMAC/4KB": 40000, "HMAC/64KB": 50000}, bytes: map[string]float64{}}
	for _, src := range sources {
		m.ns["Verify/"+src+"/4KB"], m.ns["Verify/"+src+"/64KB"] = 5000, 50000
	}
	got := report{micro: m}.notes(options{})
	if strings.Count(got, "is noisy") != 1 || !strings.Contains(got, "verify stripe took 0.12×") {
		t.Errorf("want one note that the floor is noisy:\n%s", got)
	}
}

func TestRatioBesideNeverRoundsOntoItsTarget(t *testing.T) {
	for _, tc := range []struct {
		r, target float64
		want      string
	}{
		{0.8984, 0.90, "0.898"}, // a miss that two decimals would show as the target
		{0.9012, 0.90, "0.901"},
		{0.85, 0.90, "0.85"},
		{1.4991, 1.5, "1.499"},
		{1.74, 1.5, "1.74"},
	} {
		if got := ratioBeside(tc.r, tc.target); got != tc.want {
			t.Errorf("ratioBeside(%v, %v) = %q, want %q", tc.r, tc.target, got, tc.want)
		}
	}
}

package main

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"

	"github.com/switchyard/switchyard/config"
)

// servePprof serves the runtime profiles on SWITCHYARD_PPROF_ADDR, on its
// own listener so they are never reachable through the webhook port.
func servePprof(cfg config.Config, log *slog.Logger) {
	if cfg.PprofAddr == "" {
		return
	}
	host, _, err := net.SplitHostPort(cfg.PprofAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		log.Warn("SWITCHYARD_PPROF_ADDR ignored: it must be a loopback host:port", "addr", cfg.PprofAddr)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go func() {
		if err := http.ListenAndServe(cfg.PprofAddr, mux); err != nil {
			log.Warn("pprof endpoint stopped", "error", err)
		}
	}()
}

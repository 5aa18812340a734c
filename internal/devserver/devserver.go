// Package devserver runs the Temporal CLI's dev server as a child process
// that its owner can stop, kill and restart: `switchyard dev` uses it, and so
// do tests that must crash Temporal on purpose.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
)

// Options configure one dev server.
type Options struct {
	Path             string   // the temporal binary
	DBFile           string   // SQLite file; empty keeps state in memory
	Pragmas          []string // e.g. "journal_mode=wal"
	IP               string   // default 127.0.0.1
	Port             int      // gRPC port; 0 picks a free one
	UIPort           int      // 0 with Headless false: Port+1000
	Headless         bool     // no web UI
	Namespace        string   // default "default"
	SearchAttributes []string // Keyword search attributes to register
	LogLevel         string   // default "warn"
	Stdout, Stderr   io.Writer
	ReadyTimeout     time.Duration // default 60s
}

// Server is a running dev server.
type Server struct {
	Address string // host:port of the frontend
	UIURL   string // empty when headless
	cmd     *exec.Cmd
	exited  chan struct{}
	err     error
}

// Start launches the server and returns once its frontend answers a health check.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.IP == "" {
		o.IP = "127.0.0.1"
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.LogLevel == "" {
		o.LogLevel = "warn"
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 60 * time.Second
	}
	if _, err := os.Stat(o.Path); err != nil {
		return nil, fmt.Errorf("temporal CLI not found at %q (run `make dev`, which installs it, or set TEMPORAL_CLI): %w", o.Path, err)
	}
	if o.Port == 0 {
		p, err := FreePort()
		if err != nil {
			return nil, err
		}
		o.Port = p
	} else if err := portFree(o.IP, o.Port); err != nil {
		// Without this check the readiness probe would happily talk to
		// whatever server already holds the port.
		return nil, err
	}
	args := []string{"server", "start-dev", "--ip", o.IP, "--port", strconv.Itoa(o.Port),
		"--namespace", o.Namespace, "--log-level", o.LogLevel}
	s := &Server{Address: net.JoinHostPort(o.IP, strconv.Itoa(o.Port)), exited: make(chan struct{})}
	if o.Headless {
		args = append(args, "--headless")
	} else {
		if o.UIPort == 0 {
			o.UIPort = o.Port + 1000
		}
		args = append(args, "--ui-port", strconv.Itoa(o.UIPort))
		s.UIURL = "http://" + net.JoinHostPort(o.IP, strconv.Itoa(o.UIPort))
	}
	if o.DBFile != "" {
		if err := os.MkdirAll(filepath.Dir(o.DBFile), 0o755); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
		args = append(args, "--db-filename", o.DBFile)
	}
	for _, p := range o.Pragmas {
		args = append(args, "--sqlite-pragma", p)
	}
	for _, sa := range o.SearchAttributes {
		args = append(args, "--search-attribute", sa+"=Keyword")
	}
	s.cmd = exec.Command(o.Path, args...)
	s.cmd.Stdout, s.cmd.Stderr = o.Stdout, o.Stderr
	// Its own process group, so a Ctrl-C meant for `switchyard dev` reaches
	// the server only through Stop, after the worker has drained.
	// Pdeathsig: if this process dies without stopping it, so does the server.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start temporal dev server: %w", err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.exited) }()
	if err := s.waitReady(ctx, o.Namespace, o.ReadyTimeout); err != nil {
		_ = s.Kill()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, namespace string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("temporal dev server exited during start-up: %v", s.err)
		default:
		}
		c, err := client.Dial(client.Options{HostPort: s.Address, Namespace: namespace, Logger: quiet{}})
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("temporal dev server at %s not ready after %s: %w", s.Address, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Stop asks the server to shut down and waits for it, killing it after 15s.
func (s *Server) Stop() error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return nil
	case <-time.After(15 * time.Second):
		return s.Kill()
	}
}

// Kill ends the server at once (SIGKILL), as a crash would.
func (s *Server) Kill() error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	if err := s.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-s.exited
	return nil
}

// Exited is closed when the process ends.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// FreePort asks the kernel for a free loopback TCP port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func portFree(ip string, port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("port %d is already in use (is another Temporal server or `switchyard dev` running?): %w", port, err)
	}
	return l.Close()
}

// quiet drops the SDK's logs while polling for readiness.
type quiet struct{}

func (quiet) Debug(string, ...interface{}) {}
func (quiet) Info(string, ...interface{})  {}
func (quiet) Warn(string, ...interface{})  {}
func (quiet) Error(string, ...interface{}) {}

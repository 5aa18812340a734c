// Package deploy_test checks the deployable stack without a Docker engine:
// docker-compose.yml is loaded with compose-go, as `docker compose` loads it,
// and its wiring is checked against what the binary itself requires.
package deploy_test

import (
	"context"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/contrib/envconfig"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/ingress"
	"github.com/switchyard/switchyard/payloads"
	"github.com/switchyard/switchyard/reconcile"
	"github.com/switchyard/switchyard/worker"
	"github.com/switchyard/switchyard/workflows"
)

var (
	ingresses = []string{"ingress-1", "ingress-2"}
	workers   = []string{"worker-1", "worker-2"}
)

// load reads ../docker-compose.yml with env as the only environment (no
// .env file, not the test's own environment).
func load(t *testing.T, env ...string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{"../docker-compose.yml"},
		cli.WithWorkingDirectory(".."), cli.WithEnv(env), cli.WithDiscardEnvFile)
	require.NoError(t, err)
	p, err := opts.LoadProject(context.Background())
	require.NoError(t, err)
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	require.NoError(t, err, name)
	return s
}

// serviceEnv is a service's environment as the process inside sees it.
type serviceEnv map[string]string

func envOf(s types.ServiceConfig) serviceEnv {
	e := serviceEnv{}
	for k, v := range s.Environment {
		if v != nil {
			e[k] = *v
		}
	}
	return e
}

func (e serviceEnv) LookupEnv(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e serviceEnv) Environ() []string {
	var out []string
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}

func TestComposeServices(t *testing.T) {
	p := load(t)
	want := []string{"postgresql", "temporal", "temporal-setup", "temporal-ui", "stripe-mock", "proxy"}
	want = append(append(want, ingresses...), workers...)
	assert.ElementsMatch(t, want, p.ServiceNames())
	for _, name := range append(append([]string{}, ingresses...), workers...) {
		s := service(t, p, name)
		require.NotNil(t, s.Build, "%s is built from the Dockerfile", name)
		assert.Equal(t, "switchyard:local", s.Image, name)
	}
	assert.Equal(t, types.ShellCommand{"ingress"}, service(t, p, "ingress-1").Command)
	assert.Equal(t, types.ShellCommand{"worker"}, service(t, p, "worker-2").Command)
}

func TestComposePublishedPorts(t *testing.T) {
	p := load(t)
	published := map[string]string{}
	for _, s := range p.Services {
		for _, port := range s.Ports {
			published[port.Published] = s.Name + ":" + strconv.Itoa(int(port.Target))
		}
	}
	assert.Equal(t, map[string]string{"8080": "proxy:80", "8233": "temporal-ui:8080", "7233": "temporal:7233"}, published,
		"only the proxy, the UI and the Temporal frontend are published; replicas stay internal")
}

func TestComposeHealthChecksAndStartOrder(t *testing.T) {
	p := load(t)
	for _, name := range []string{"postgresql", "temporal", "stripe-mock", "proxy", "ingress-1", "ingress-2", "worker-1", "worker-2"} {
		s := service(t, p, name)
		require.NotNil(t, s.HealthCheck, "%s has a health check", name)
		assert.False(t, s.HealthCheck.Disable, name)
		assert.NotEmpty(t, s.HealthCheck.Test, name)
	}
	deps := func(name string) map[string]string {
		out := map[string]string{}
		for dep, d := range service(t, p, name).DependsOn {
			out[dep] = d.Condition
		}
		return out
	}
	assert.Equal(t, map[string]string{"postgresql": types.ServiceConditionHealthy}, deps("temporal"))
	assert.Equal(t, map[string]string{"temporal": types.ServiceConditionHealthy}, deps("temporal-setup"))
	assert.Equal(t, map[string]string{"temporal": types.ServiceConditionHealthy}, deps("temporal-ui"))
	for _, name := range ingresses {
		assert.Equal(t, map[string]string{
			"temporal": types.ServiceConditionHealthy, "temporal-setup": types.ServiceConditionCompletedSuccessfully,
		}, deps(name), "%s starts once the search attributes exist", name)
	}
	for _, name := range workers {
		assert.Equal(t, map[string]string{
			"temporal": types.ServiceConditionHealthy, "temporal-setup": types.ServiceConditionCompletedSuccessfully,
			"stripe-mock": types.ServiceConditionHealthy,
		}, deps(name), name)
	}
	assert.Equal(t, map[string]string{"ingress-1": types.ServiceConditionHealthy, "ingress-2": types.ServiceConditionHealthy}, deps("proxy"))
}

// healthURL is the URL a `/switchyard healthcheck URL` health check probes.
func healthURL(t *testing.T, s types.ServiceConfig) *url.URL {
	t.Helper()
	test := s.HealthCheck.Test
	require.GreaterOrEqual(t, len(test), 4, s.Name)
	require.Equal(t, []string{"CMD", "/switchyard", "healthcheck"}, []string(test[:3]), s.Name)
	u, err := url.Parse(test[3])
	require.NoError(t, err)
	return u
}

func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err, addr)
	return port
}

// TestComposeIngressEnvironment: each ingress replica's environment satisfies
// what `switchyard ingress` checks at start, reaches Temporal by a service
// name, and its health check probes the port it listens on.
func TestComposeIngressEnvironment(t *testing.T) {
	p := load(t)
	for _, name := range ingresses {
		s := service(t, p, name)
		env := envOf(s)
		cfg, err := config.Load(env.LookupEnv, env.Environ())
		require.NoError(t, err, name)
		require.NoError(t, cfg.RequireWebhookSecrets(), name)
		_, err = ingress.FromConfig(cfg, nopStarter{}, nil)
		require.NoError(t, err, "%s: the ingress builds from this environment", name)
		temporalReachable(t, p, env)
		assert.Equal(t, portOf(t, cfg.HTTPAddr), healthURL(t, s).Port(), name)
		assert.Equal(t, "/readyz", healthURL(t, s).Path)
	}
}

func TestComposeWorkerEnvironment(t *testing.T) {
	p := load(t)
	for _, name := range workers {
		s := service(t, p, name)
		env := envOf(s)
		cfg, err := config.Load(env.LookupEnv, env.Environ())
		require.NoError(t, err, name)
		assert.NotEmpty(t, cfg.StripeAPIKey, "%s: the Stripe integration is enabled (stripe-mock)", name)
		u, err := url.Parse(cfg.StripeAPIBase)
		require.NoError(t, err)
		assert.Equal(t, "stripe-mock", u.Hostname(), "%s calls the stack's stripe-mock", name)
		assert.Equal(t, "12111", u.Port())
		_, err = worker.NewActivities(cfg, slog.New(slog.DiscardHandler))
		require.NoError(t, err, name)
		_, err = reconcile.ParseHooks(cfg.GitHubReconcileHooks)
		require.NoError(t, err, "%s: the worker checks GITHUB_RECONCILE_HOOKS at start", name)
		assert.Equal(t, 15*time.Minute, cfg.ReconcileInterval, "%s: reconciliation schedules on", name)
		temporalReachable(t, p, env)
		assert.Equal(t, portOf(t, cfg.WorkerMetricsAddr), healthURL(t, s).Port(), "%s: health check on the metrics port", name)
	}
}

// temporalReachable loads the Temporal client options exactly as the binary
// does (envconfig) and checks they name the temporal service and the
// namespace the setup job prepares.
func temporalReachable(t *testing.T, p *types.Project, env serviceEnv) {
	t.Helper()
	opts, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{DisableFile: true, EnvLookup: env})
	require.NoError(t, err)
	host, port, err := net.SplitHostPort(opts.HostPort)
	require.NoError(t, err)
	assert.Equal(t, "temporal", host)
	assert.Equal(t, "7233", port)
	assert.Equal(t, envOf(service(t, p, "temporal"))["DEFAULT_NAMESPACE"], opts.Namespace)
	assert.Equal(t, envOf(service(t, p, "temporal-setup"))["TEMPORAL_NAMESPACE"], opts.Namespace)
}

func TestComposeSecretsComeFromTheEnvironment(t *testing.T) {
	p := load(t, "STRIPE_WEBHOOK_SECRET=whsec_prod_a,whsec_prod_b", "GITHUB_WEBHOOK_SECRET=gh_prod", "SWITCHYARD_API_TOKEN=tok", "STRIPE_API_KEY=sk_live_x")
	for _, name := range ingresses {
		env := envOf(service(t, p, name))
		assert.Equal(t, "whsec_prod_a,whsec_prod_b", env["STRIPE_WEBHOOK_SECRET"])
		assert.Equal(t, "gh_prod", env["GITHUB_WEBHOOK_SECRET"])
		assert.Equal(t, "tok", env["SWITCHYARD_API_TOKEN"])
	}
	assert.Equal(t, "sk_live_x", envOf(service(t, p, "worker-1"))["STRIPE_API_KEY"])
	for _, name := range append([]string{"proxy", "temporal", "postgresql", "stripe-mock"}, workers...) {
		assert.NotContains(t, envOf(service(t, p, name)), "STRIPE_WEBHOOK_SECRET", "%s does not need the webhook secret", name)
	}
}

// TestComposeMountedFilesExist: every bind mount points at a committed file,
// the proxy balances over exactly the ingress replicas, and the setup job
// registers exactly the search attributes the workflows use.
func TestComposeMountedFilesExist(t *testing.T) {
	p := load(t)
	for _, s := range p.Services {
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			_, err := os.Stat(v.Source)
			assert.NoError(t, err, "%s mounts %s", s.Name, v.Source)
		}
	}
	tmp := envOf(service(t, p, "temporal"))["DYNAMIC_CONFIG_FILE_PATH"]
	_, err := os.Stat(filepath.Join("temporal", "dynamicconfig", filepath.Base(tmp)))
	assert.NoError(t, err, "the dynamic config file the server is told to read is mounted")

	nginx, err := os.ReadFile("nginx.conf")
	require.NoError(t, err)
	var upstreams []string
	for _, m := range regexp.MustCompile(`(?m)^\s*server\s+([\w.-]+):(\d+)`).FindAllStringSubmatch(string(nginx), -1) {
		upstreams = append(upstreams, m[1])
		env := envOf(service(t, p, m[1]))
		cfg, err := config.Load(env.LookupEnv, env.Environ())
		require.NoError(t, err)
		assert.Equal(t, portOf(t, cfg.HTTPAddr), m[2], "nginx proxies to the port %s listens on", m[1])
	}
	assert.ElementsMatch(t, ingresses, upstreams)

	setup, err := os.ReadFile(filepath.Join("temporal", "setup.sh"))
	require.NoError(t, err)
	m := regexp.MustCompile(`for name in ([\w ]+); do`).FindStringSubmatch(string(setup))
	require.NotNil(t, m)
	assert.ElementsMatch(t, workflows.SearchAttributeNames, strings.Fields(m[1]))
}

func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile("../Dockerfile")
	require.NoError(t, err)
	df := string(raw)
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(df, -1)
	require.GreaterOrEqual(t, len(froms), 2, "multi-stage")
	assert.True(t, strings.HasPrefix(froms[len(froms)-1][1], "gcr.io/distroless/static"), "small final image without libc")
	assert.Contains(t, df, "CGO_ENABLED=0", "static binary")
	users := regexp.MustCompile(`(?m)^USER\s+(\S+)`).FindAllStringSubmatch(df, -1)
	require.NotEmpty(t, users)
	assert.NotContains(t, []string{"root", "0", "0:0"}, users[len(users)-1][1], "runs as non-root")

	mod, err := os.ReadFile("../go.mod")
	require.NoError(t, err)
	goVer := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(string(mod))
	require.NotNil(t, goVer)
	assert.True(t, strings.HasPrefix(froms[0][1], "golang:"+goVer[1]), "the build stage has go.mod's Go: %s", froms[0][1])
	assert.True(t, slices.ContainsFunc(strings.Split(df, "\n"), func(l string) bool { return strings.HasPrefix(l, "ENTRYPOINT") && strings.Contains(l, "/switchyard") }))
}

type nopStarter struct{}

func (nopStarter) Start(context.Context, ingress.StartRequest) (ingress.Started, error) {
	return ingress.Started{}, nil
}
func (nopStarter) Ready(context.Context) error { return nil }

// TestComposePayloadStoreIsShared: a payload an ingress stores outside
// history must be readable by whichever worker runs the workflow, so every
// ingress and worker names the same store, and that store is a folder on one
// shared, writable volume, not a folder inside each container.
func TestComposePayloadStoreIsShared(t *testing.T) {
	p := load(t)
	var storeURL, volume string
	for _, name := range append(append([]string{}, ingresses...), workers...) {
		s := service(t, p, name)
		env := envOf(s)
		cfg, err := config.Load(env.LookupEnv, env.Environ())
		require.NoError(t, err, name)
		require.NotEmpty(t, cfg.PayloadStore, "%s: the default store is a folder inside the container, which no other service sees", name)
		if storeURL == "" {
			storeURL = cfg.PayloadStore
		}
		assert.Equal(t, storeURL, cfg.PayloadStore, "%s uses the same payload store as %s", name, ingresses[0])

		u, err := url.Parse(cfg.PayloadStore)
		require.NoError(t, err)
		require.Equal(t, "file", u.Scheme, "%s: a file:// store (compose has no cloud bucket)", name)
		i := slices.IndexFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == u.Path })
		require.GreaterOrEqual(t, i, 0, "%s mounts a volume at the store's folder %s", name, u.Path)
		v := s.Volumes[i]
		assert.Equal(t, types.VolumeTypeVolume, v.Type, "%s: a named volume, shared by the services that mount it", name)
		assert.False(t, v.ReadOnly, "%s writes payloads too", name)
		if volume == "" {
			volume = v.Source
		}
		assert.Equal(t, volume, v.Source, "%s mounts the same volume as %s", name, ingresses[0])
	}
	assert.Contains(t, p.Volumes, volume, "the payload volume is declared at the top level")

	// The store's folder is a mount of its own, so fileblob must not write
	// through os.TempDir and rename across mounts.
	u, err := url.Parse(storeURL)
	require.NoError(t, err)
	assert.NotEmpty(t, u.Query().Get("no_tmp_dir"), "fileblob renames from /tmp into the volume otherwise (EXDEV)")
	// The same options against a local folder: fileblob rejects unknown ones.
	local := *u
	local.Path = filepath.ToSlash(t.TempDir())
	d, err := payloads.Open(context.Background(), local.String())
	require.NoError(t, err, "the store URL opens: %s", storeURL)
	require.NoError(t, d.Close())

	// The image must own the folder: an empty named volume takes the
	// ownership of the image's folder at its mount point (root without one).
	df, err := os.ReadFile("../Dockerfile")
	require.NoError(t, err)
	user := lastMatch(t, `(?m)^USER\s+(\S+)`, string(df))
	var owner string
	for _, m := range regexp.MustCompile(`(?m)^COPY\s.*--chown=(\S+)\s+\S+\s+(\S+)\s*$`).FindAllStringSubmatch(string(df), -1) {
		if path.Clean(m[2]) == path.Clean(u.Path) {
			owner = m[1]
		}
	}
	assert.Equal(t, user, owner, "the Dockerfile creates the store's folder owned by the user the container runs as")
}

func lastMatch(t *testing.T, re, s string) string {
	t.Helper()
	ms := regexp.MustCompile(re).FindAllStringSubmatch(s, -1)
	require.NotEmpty(t, ms, re)
	return ms[len(ms)-1][1]
}

// TestComposeOptionalSources: HubSpot, Slack and Shopify are served exactly
// when their secret is set in the environment compose runs in.
func TestComposeOptionalSources(t *testing.T) {
	served := func(p *types.Project, name string) []string {
		env := envOf(service(t, p, name))
		cfg, err := config.Load(env.LookupEnv, env.Environ())
		require.NoError(t, err, name)
		eps, err := ingress.EndpointsFromConfig(cfg)
		require.NoError(t, err, name)
		var out []string
		for _, ep := range eps {
			out = append(out, ep.Source.Name())
		}
		return out
	}
	off := load(t)
	on := load(t, "HUBSPOT_CLIENT_SECRET=hs", "SLACK_SIGNING_SECRET=sl", "SHOPIFY_CLIENT_SECRET=sh")
	for _, name := range ingresses {
		assert.ElementsMatch(t, []string{"stripe", "github"}, served(off, name), name)
		assert.ElementsMatch(t, []string{"stripe", "github", "hubspot", "slack", "shopify"}, served(on, name), name)
	}
}

package deploy_test

import (
	"bytes"
	"encoding/base64"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/config"
	"github.com/switchyard/switchyard/ingress"
)

// nginxConf is deploy/nginx.conf without its comments.
func nginxConf(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("nginx.conf")
	require.NoError(t, err)
	return regexp.MustCompile(`(?m)#.*$`).ReplaceAllString(string(raw), "")
}

// nginxBodyLimit is client_max_body_size in bytes (nginx's k, m and g are
// powers of 1024).
func nginxBodyLimit(t *testing.T) int64 {
	t.Helper()
	ms := regexp.MustCompile(`(?m)^\s*client_max_body_size\s+(\d+)([kKmMgG]?)\s*;`).FindAllStringSubmatch(nginxConf(t), -1)
	require.Len(t, ms, 1, "one client_max_body_size, for the whole server")
	n, err := strconv.ParseInt(ms[0][1], 10, 64)
	require.NoError(t, err)
	return n << map[string]int{"": 0, "k": 10, "m": 20, "g": 30}[strings.ToLower(ms[0][2])]
}

// TestNginxBodyLimitAboveTheIngress: a body over a source's limit must reach
// the ingress, which answers 413 with its JSON error (and counts it), rather
// than nginx's HTML page. So nginx's limit is above the largest limit any
// source of any ingress replica has, and the ingress built from the compose
// environment really answers 413 to a body nginx lets through.
func TestNginxBodyLimitAboveTheIngress(t *testing.T) {
	p := load(t)
	proxyLimit := nginxBodyLimit(t)
	assert.Greater(t, proxyLimit, int64(config.DefaultGitHubBodyLimit), "GitHub's deliveries of up to 25 MB reach the ingress")
	for _, name := range ingresses {
		env := envOf(service(t, p, name))
		cfg, err := config.Load(env.LookupEnv, env.Environ())
		require.NoError(t, err, name)
		largest := cfg.BodyLimit // sources without their own limit
		for _, n := range cfg.BodyLimits {
			largest = max(largest, n)
		}
		eps, err := ingress.EndpointsFromConfig(cfg)
		require.NoError(t, err, name)
		for _, ep := range eps {
			largest = max(largest, ep.BodyLimit)
		}
		assert.Greater(t, proxyLimit, largest, "%s: nginx's client_max_body_size is above the ingress's largest body limit", name)
	}

	env := envOf(service(t, p, ingresses[0]))
	cfg, err := config.Load(env.LookupEnv, env.Environ())
	require.NoError(t, err)
	eps, err := ingress.EndpointsFromConfig(cfg)
	require.NoError(t, err)
	i := slices.IndexFunc(eps, func(ep ingress.Endpoint) bool { return ep.Source.Name() == "github" })
	require.GreaterOrEqual(t, i, 0, "GitHub is served")
	githubLimit := eps[i].BodyLimit
	h, err := ingress.FromConfig(cfg, nopStarter{}, nil)
	require.NoError(t, err)
	buf := make([]byte, max(proxyLimit, githubLimit+1))
	for _, size := range []int64{githubLimit + 1, proxyLimit} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/webhooks/github", bytes.NewReader(buf[:size])))
		assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code, "%d bytes: nginx passes it, the ingress refuses it", size)
		assert.Contains(t, rec.Body.String(), `"error"`, "the ingress's JSON error")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/webhooks/github", bytes.NewReader(buf[:githubLimit])))
	assert.NotEqual(t, http.StatusRequestEntityTooLarge, rec.Code, "a body at GitHub's limit passes the size check (then fails the signature)")
}

// TestComposeTrustedProxyIsNginx: the ingress believes X-Forwarded-* from
// nginx and from no one else. nginx has a fixed address outside the range
// Docker hands out, so no other container can hold it; the ingress trusts
// that address alone; and nginx sends what the ingress reads.
func TestComposeTrustedProxyIsNginx(t *testing.T) {
	p := load(t)
	nw := service(t, p, "proxy").Networks["default"]
	require.NotNil(t, nw, "the proxy is on the default network")
	proxyAddr, err := netip.ParseAddr(nw.Ipv4Address)
	require.NoError(t, err, "the proxy has a fixed address")
	ipam := p.Networks["default"].Ipam.Config
	require.Len(t, ipam, 1)
	subnet, err := netip.ParsePrefix(ipam[0].Subnet)
	require.NoError(t, err)
	dynamic, err := netip.ParsePrefix(ipam[0].IPRange)
	require.NoError(t, err, "ip_range bounds the addresses Docker hands out")
	assert.True(t, subnet.Contains(proxyAddr), "%s is in the subnet %s", proxyAddr, subnet)
	assert.False(t, dynamic.Contains(proxyAddr), "%s is outside ip_range %s, so no container takes it first", proxyAddr, dynamic)

	for _, name := range ingresses {
		env := envOf(service(t, p, name))
		cfg, err := config.Load(env.LookupEnv, env.Environ())
		require.NoError(t, err, name)
		assert.Equal(t, []netip.Prefix{netip.PrefixFrom(proxyAddr, proxyAddr.BitLen())}, cfg.Proxies(),
			"%s trusts SWITCHYARD_TRUSTED_PROXIES = the proxy's address, and nothing else", name)
	}

	headers := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s*proxy_set_header\s+(\S+)\s+(\S+)\s*;`).FindAllStringSubmatch(nginxConf(t), -1) {
		headers[m[1]] = m[2]
	}
	assert.Equal(t, "$proxy_add_x_forwarded_for", headers["X-Forwarded-For"], "the client's address, appended")
	assert.Equal(t, "$scheme", headers["X-Forwarded-Proto"])
	assert.Equal(t, "$http_host", headers["X-Forwarded-Host"], "the Host the sender used, port included")
}

// TestComposeHubSpotBehindNginx: HubSpot signs the public URL it called. A
// request nginx forwards, with the headers nginx sets, verifies; the same
// request from any other container does not, and its headers give neither
// the URL nor the client address.
func TestComposeHubSpotBehindNginx(t *testing.T) {
	const secret, public = "hubspot-compose-secret", "https://hooks.example.com/v1/webhooks/hubspot?portal=62515"
	p := load(t, "HUBSPOT_CLIENT_SECRET="+secret)
	proxyAddr := service(t, p, "proxy").Networks["default"].Ipv4Address
	sibling, err := netip.ParsePrefix(p.Networks["default"].Ipam.Config[0].IPRange)
	require.NoError(t, err)
	other := sibling.Addr().Next().Next().String() // an address another container gets
	env := envOf(service(t, p, ingresses[0]))
	cfg, err := config.Load(env.LookupEnv, env.Environ())
	require.NoError(t, err)
	require.Equal(t, []string{secret}, cfg.HubSpotClientSecrets, "compose passes HUBSPOT_CLIENT_SECRET on")
	h, err := ingress.FromConfig(cfg, nopStarter{}, nil)
	require.NoError(t, err)

	body := []byte(`[{"eventId":1,"subscriptionId":7,"portalId":62515,"occurredAt":1700000000000,"subscriptionType":"contact.creation","objectId":1001}]`)
	forwarded := func(peer string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/v1/webhooks/hubspot?portal=62515", bytes.NewReader(body))
		r.RemoteAddr = net.JoinHostPort(peer, "41234")
		r.Host = "hooks.example.com" // nginx: Host $host
		r.Header.Set("X-Forwarded-For", "203.0.113.7")
		r.Header.Set("X-Forwarded-Proto", "https")
		r.Header.Set("X-Forwarded-Host", "hooks.example.com")
		ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
		r.Header.Set("X-HubSpot-Request-Timestamp", ts)
		r.Header.Set("X-HubSpot-Signature-v3", base64.StdEncoding.EncodeToString(ingress.HubSpotMAC([]byte(secret), http.MethodPost, public, body, ts)))
		return r
	}

	r := forwarded(proxyAddr)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	assert.Less(t, rec.Code, 300, "forwarded by nginx: verified against the public URL; %s", rec.Body)
	assert.Equal(t, "203.0.113.7", ingress.Proxies(cfg.Proxies()).ClientAddr(r).String(), "the client, not nginx")

	r = forwarded(other)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	assert.Equal(t, http.StatusUnauthorized, rec.Code, "forwarding headers from anyone but nginx are ignored")
	assert.Equal(t, other, ingress.Proxies(cfg.Proxies()).ClientAddr(r).String())
}

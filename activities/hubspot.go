package activities

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// HubSpotConfig is what the HubSpot CRM backend needs. Deals and tickets are
// keyed by IDProperty, a custom property with "unique values" that the
// portal must have on both objects (see README); contacts are keyed by email.
type HubSpotConfig struct {
	Token             string // private app token (pat-…)
	APIURL            string // https://api.hubapi.com, or a fake in tests
	Timeout           time.Duration
	IDProperty        string // default "switchyard_external_id"
	DealPipeline      string // default "default"
	StageWon          string // default "closedwon"
	StageRefunded     string // default "closedlost": HubSpot's default pipeline has no refunded stage
	TicketPipeline    string // default "0", the default support pipeline
	TicketStageOpen   string // default "1" (New)
	TicketStageClosed string // default "4" (Closed)
}

// HubSpot implements CRMBackend over HubSpot's CRM v3 REST API.
type HubSpot struct {
	cfg  HubSpotConfig
	base string
	http *http.Client
}

// NewHubSpot builds the client once; it returns nil without a token, which
// NewCRM turns into a disabled integration.
func NewHubSpot(cfg HubSpotConfig) (*HubSpot, error) {
	if cfg.Token == "" {
		return nil, nil
	}
	u, err := url.Parse(cfg.APIURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("HUBSPOT_API_URL %q is not an absolute URL", cfg.APIURL)
	}
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&cfg.IDProperty, "switchyard_external_id")
	def(&cfg.DealPipeline, "default")
	def(&cfg.StageWon, "closedwon")
	def(&cfg.StageRefunded, "closedlost")
	def(&cfg.TicketPipeline, "0")
	def(&cfg.TicketStageOpen, "1")
	def(&cfg.TicketStageClosed, "4")
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &HubSpot{cfg: cfg, base: strings.TrimSuffix(cfg.APIURL, "/"), http: &http.Client{Timeout: cfg.Timeout}}, nil
}

// Name is the backend's name.
func (h *HubSpot) Name() string { return "hubspot" }

// hsObject is a CRM object as HubSpot returns it.
type hsObject struct {
	ID         string            `json:"id"`
	Properties map[string]string `json:"properties"`
	New        bool              `json:"new"`
}

// upsert uses POST /crm/v3/objects/{type}/batch/upsert with one input: HubSpot
// creates the record if no record has id in idProperty and updates it
// otherwise, atomically, so a retry never makes a second record.
func (h *HubSpot) upsert(ctx context.Context, objectType, idProperty, id string, props map[string]string) (*CRMRecord, error) {
	body := map[string]any{"inputs": []map[string]any{{"idProperty": idProperty, "id": id, "properties": props}}}
	var out struct {
		Status  string     `json:"status"`
		Results []hsObject `json:"results"`
	}
	// Errors are returned as classified, never wrapped: Temporal reads the
	// retry decision from the outermost error only. do() names the path.
	if err := h.do(ctx, http.MethodPost, "/crm/v3/objects/"+objectType+"/batch/upsert", nil, body, &out); err != nil {
		return nil, err
	}
	if len(out.Results) != 1 {
		return nil, classify("HubSpotServerError", http.StatusBadGateway, 0, fmt.Errorf("upsert %s: %d results, want 1", objectType, len(out.Results)))
	}
	r := out.Results[0]
	return &CRMRecord{ID: r.ID, Key: id, Created: r.New}, nil
}

// patchByKey updates a record found by a unique property; nil if none has it.
func (h *HubSpot) patchByKey(ctx context.Context, objectType, key string, props map[string]string) (*hsObject, error) {
	q := url.Values{"idProperty": {h.cfg.IDProperty}}
	var out hsObject
	err := h.do(ctx, http.MethodPatch, "/crm/v3/objects/"+objectType+"/"+url.PathEscape(key), q, map[string]any{"properties": props}, &out)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpsertContact upserts by email, HubSpot's built-in unique contact key.
func (h *HubSpot) UpsertContact(ctx context.Context, in UpsertContactInput) (*CRMRecord, error) {
	email := strings.ToLower(strings.TrimSpace(in.Email)) // HubSpot stores emails lower-case
	props := map[string]string{"email": email}
	setIf(props, "firstname", in.FirstName)
	setIf(props, "lastname", in.LastName)
	setIf(props, "phone", in.Phone)
	setIf(props, "stripe_customer_id", in.StripeID)
	return h.upsert(ctx, "contacts", "email", email, props)
}

// UpsertDeal upserts by the external ID property.
func (h *HubSpot) UpsertDeal(ctx context.Context, in UpsertDealInput) (*CRMRecord, error) {
	props := map[string]string{
		h.cfg.IDProperty: in.ExternalID,
		"pipeline":       h.cfg.DealPipeline,
		"dealstage":      h.dealStage(in.Stage),
	}
	setIf(props, "dealname", in.Name)
	if in.Currency != "" {
		props["amount"] = MajorUnits(in.Amount, in.Currency)
		props["deal_currency_code"] = strings.ToUpper(in.Currency)
	}
	rec, err := h.upsert(ctx, "deals", h.cfg.IDProperty, in.ExternalID, props)
	if rec != nil {
		rec.Stage = props["dealstage"]
	}
	return rec, err
}

// MoveDealStage updates the stage of the deal with the external ID.
func (h *HubSpot) MoveDealStage(ctx context.Context, in MoveDealStageInput) (*CRMRecord, error) {
	stage := h.dealStage(in.Stage)
	obj, err := h.patchByKey(ctx, "deals", in.ExternalID, map[string]string{"dealstage": stage})
	if obj == nil || err != nil {
		return nil, err
	}
	return &CRMRecord{ID: obj.ID, Key: in.ExternalID, Stage: stage}, nil
}

// CreateTicket reads the ticket by key first, so a ticket that already exists
// (perhaps closed since) is left as it is; only a missing ticket is upserted,
// and the upsert keeps a concurrent or retried create from making two.
func (h *HubSpot) CreateTicket(ctx context.Context, in CreateTicketInput) (*CRMRecord, error) {
	q := url.Values{"idProperty": {h.cfg.IDProperty}, "properties": {"hs_pipeline_stage"}}
	var found hsObject
	err := h.do(ctx, http.MethodGet, "/crm/v3/objects/tickets/"+url.PathEscape(in.ExternalKey), q, nil, &found)
	if err == nil {
		return &CRMRecord{ID: found.ID, Key: in.ExternalKey, Stage: found.Properties["hs_pipeline_stage"]}, nil
	}
	if !isNotFound(err) {
		return nil, err
	}
	props := map[string]string{
		h.cfg.IDProperty: in.ExternalKey, "subject": in.Subject,
		"hs_pipeline": h.cfg.TicketPipeline, "hs_pipeline_stage": h.cfg.TicketStageOpen,
	}
	setIf(props, "content", in.Content)
	rec, err := h.upsert(ctx, "tickets", h.cfg.IDProperty, in.ExternalKey, props)
	if rec != nil {
		rec.Stage = h.cfg.TicketStageOpen
	}
	return rec, err
}

// CloseTicket moves the ticket with the key to the closed stage.
func (h *HubSpot) CloseTicket(ctx context.Context, in CloseTicketInput) (*CRMRecord, error) {
	obj, err := h.patchByKey(ctx, "tickets", in.ExternalKey, map[string]string{"hs_pipeline_stage": h.cfg.TicketStageClosed})
	if obj == nil || err != nil {
		return nil, err
	}
	return &CRMRecord{ID: obj.ID, Key: in.ExternalKey, Stage: h.cfg.TicketStageClosed}, nil
}

func (h *HubSpot) dealStage(s DealStage) string {
	if s == DealRefunded {
		return h.cfg.StageRefunded
	}
	if s == DealWon {
		return h.cfg.StageWon
	}
	return string(s)
}

// hubspotError is HubSpot's error body.
type hubspotError struct {
	Status   string `json:"status"`
	Message  string `json:"message"`
	Category string `json:"category"`
}

// do sends one request and classifies the answer: 400 → HubSpotValidation,
// 401/403 → HubSpotAuth, 404 → HubSpotNotFound (all non-retryable); 429 waits
// for Retry-After or, as HubSpot sends, the rate-limit interval; the rest is
// retried. A 207 from a batch call means the input failed.
func (h *HubSpot) do(ctx context.Context, method, path string, q url.Values, body, out any) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return invalid("HubSpot", fmt.Sprintf("encode request: %v", err))
		}
		rd = bytes.NewReader(raw)
	}
	u := h.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return invalid("HubSpot", fmt.Sprintf("build request: %v", err))
	}
	req.Header.Set("Authorization", "Bearer "+h.cfg.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.http.Do(req)
	if err != nil {
		return classify("HubSpot", 0, 0, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated {
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return classify("HubSpotServerError", http.StatusBadGateway, 0, fmt.Errorf("decode answer: %v", err))
		}
		return nil
	}
	var he hubspotError
	_ = json.Unmarshal(raw, &he)
	msg := fmt.Errorf("hubspot %s %s: HTTP %d %s: %s", method, path, resp.StatusCode, he.Category, he.Message)
	status := resp.StatusCode
	if status == http.StatusMultiStatus {
		status = http.StatusBadRequest // the one input of the batch was refused
	}
	typ := "HubSpotRequest"
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		typ = "HubSpotValidation"
	case http.StatusUnauthorized, http.StatusForbidden:
		typ = "HubSpotAuth"
	case http.StatusNotFound:
		// Only a missing record is "not found"; a 404 for a wrong path or
		// object type is a request error that no lookup should swallow.
		if he.Category == "OBJECT_NOT_FOUND" {
			typ = "HubSpotNotFound"
		}
	}
	return classify(typ, status, hubspotRetryAfter(resp.Header), msg)
}

// hubspotRetryAfter prefers Retry-After; HubSpot's 429s usually carry only
// X-HubSpot-RateLimit-Interval-Milliseconds, the window that must pass.
func hubspotRetryAfter(h http.Header) time.Duration {
	if d := RetryAfter(h, time.Now()); d > 0 {
		return d
	}
	if ms, err := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Interval-Milliseconds")); err == nil && ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return 0
}

func isNotFound(err error) bool {
	return err != nil && hasType(err, "HubSpotNotFound")
}

func setIf(m map[string]string, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// zeroDecimal and threeDecimal list the currencies whose minor unit is not a
// hundredth (https://docs.stripe.com/currencies#zero-decimal).
var (
	zeroDecimal  = strings.Fields("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf")
	threeDecimal = strings.Fields("bhd jod kwd omr tnd")
)

// MajorUnits formats a Stripe amount (minor units) as a decimal string.
func MajorUnits(amount int64, currency string) string {
	c := strings.ToLower(currency)
	switch {
	case slices.Contains(zeroDecimal, c):
		return strconv.FormatInt(amount, 10)
	case slices.Contains(threeDecimal, c):
		return strconv.FormatFloat(float64(amount)/1000, 'f', 3, 64)
	default:
		return strconv.FormatFloat(float64(amount)/100, 'f', 2, 64)
	}
}

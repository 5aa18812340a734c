package fakes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// HubSpotObject is one stored CRM record.
type HubSpotObject struct {
	ID         string            `json:"id"`
	Properties map[string]string `json:"properties"`
}

// HubSpot is a fake HubSpot CRM v3 API: batch upsert by a unique property,
// read and update by a unique property (?idProperty=). Contacts are unique by
// email; deals and tickets by UniqueProperty, as a portal with that custom
// "unique values" property would be.
type HubSpot struct {
	*httptest.Server
	Token          string
	UniqueProperty string
	behaviour

	objects map[string][]*HubSpotObject // object type → records
	nextID  int
}

// NewHubSpot starts the fake; close it with Close.
func NewHubSpot(token string) *HubSpot {
	h := &HubSpot{Token: token, UniqueProperty: "switchyard_external_id", objects: map[string][]*HubSpotObject{}, nextID: 100}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	return h
}

// Objects returns copies of the records of one type ("contacts", "deals", "tickets").
func (h *HubSpot) Objects(objectType string) []HubSpotObject {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []HubSpotObject
	for _, o := range h.objects[objectType] {
		props := map[string]string{}
		for k, v := range o.Properties {
			props[k] = v
		}
		out = append(out, HubSpotObject{ID: o.ID, Properties: props})
	}
	return out
}

// Where returns every record of a type whose property has value: a test
// that counts them sees a duplicate an upsert should have prevented.
func (h *HubSpot) Where(objectType, property, value string) []HubSpotObject {
	var out []HubSpotObject
	for _, o := range h.Objects(objectType) {
		if o.Properties[property] == value {
			out = append(out, o)
		}
	}
	return out
}

// Find returns the record of a type whose property has value, if any.
func (h *HubSpot) Find(objectType, property, value string) (HubSpotObject, bool) {
	if all := h.Where(objectType, property, value); len(all) > 0 {
		return all[0], true
	}
	return HubSpotObject{}, false
}

var (
	hsUpsertPath = regexp.MustCompile(`^/crm/v3/objects/(contacts|deals|tickets)/batch/upsert$`)
	hsObjectPath = regexp.MustCompile(`^/crm/v3/objects/(contacts|deals|tickets)/([^/]+)$`)
)

func (h *HubSpot) serve(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests++
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")
	w.Header().Set("X-HubSpot-RateLimit-Max", "100")
	reply := func(status int, msg string) {
		category := map[int]string{401: "INVALID_AUTHENTICATION", 429: "RATE_LIMITS", 400: "VALIDATION_ERROR"}[status]
		if msg == "Object not found." {
			category = "OBJECT_NOT_FOUND"
		}
		writeJSON(w, status, map[string]string{"status": "error", "message": msg, "category": category})
	}
	if r.Header.Get("Authorization") != "Bearer "+h.Token {
		reply(http.StatusUnauthorized, "Authentication credentials not found.")
		return
	}
	if !h.gate(w, "", reply) {
		return
	}
	if m := hsUpsertPath.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodPost {
		h.upsert(w, r, m[1], reply)
		return
	}
	m := hsObjectPath.FindStringSubmatch(r.URL.EscapedPath())
	if m == nil {
		reply(http.StatusNotFound, "unknown path "+r.URL.Path)
		return
	}
	id, _ := url.PathUnescape(m[2])
	prop := r.URL.Query().Get("idProperty")
	if prop == "" {
		prop = "hs_object_id"
	}
	if !h.isUnique(m[1], prop) {
		reply(http.StatusBadRequest, fmt.Sprintf("Property %q is not a unique property of %s", prop, m[1]))
		return
	}
	o := h.find(m[1], prop, id)
	if o == nil {
		reply(http.StatusNotFound, "Object not found.")
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, o)
	case http.MethodPatch:
		var in struct {
			Properties map[string]string `json:"properties"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Properties) == 0 {
			reply(http.StatusBadRequest, "Invalid input JSON: properties are required")
			return
		}
		for k, v := range in.Properties {
			o.Properties[k] = v
		}
		writeJSON(w, http.StatusOK, o)
	default:
		reply(http.StatusMethodNotAllowed, "method not allowed")
	}
}

func (h *HubSpot) isUnique(objectType, prop string) bool {
	if prop == "hs_object_id" {
		return true
	}
	if objectType == "contacts" {
		return prop == "email"
	}
	return prop == h.UniqueProperty
}

func (h *HubSpot) find(objectType, prop, value string) *HubSpotObject {
	for _, o := range h.objects[objectType] {
		if (prop == "hs_object_id" && o.ID == value) || o.Properties[prop] == value ||
			(prop == "email" && strings.EqualFold(o.Properties[prop], value)) { // HubSpot matches emails case-insensitively
			return o
		}
	}
	return nil
}

// required lists the properties HubSpot refuses to create a record without.
var hsRequired = map[string][]string{
	"deals":   {"dealstage"},
	"tickets": {"subject", "hs_pipeline", "hs_pipeline_stage"},
}

func (h *HubSpot) upsert(w http.ResponseWriter, r *http.Request, objectType string, reply func(int, string)) {
	var in struct {
		Inputs []struct {
			ID         string            `json:"id"`
			IDProperty string            `json:"idProperty"`
			Properties map[string]string `json:"properties"`
		} `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Inputs) == 0 || len(in.Inputs) > 100 {
		reply(http.StatusBadRequest, "Invalid input JSON: 1 to 100 inputs are required")
		return
	}
	type result struct {
		HubSpotObject
		New bool `json:"new"`
	}
	var results []result
	for _, input := range in.Inputs {
		if input.ID == "" || input.IDProperty == "" || !h.isUnique(objectType, input.IDProperty) || input.IDProperty == "hs_object_id" {
			reply(http.StatusBadRequest, fmt.Sprintf("idProperty %q is not a unique property of %s", input.IDProperty, objectType))
			return
		}
		if o := h.find(objectType, input.IDProperty, input.ID); o != nil {
			for k, v := range input.Properties {
				o.Properties[k] = v
			}
			results = append(results, result{HubSpotObject: *o})
			continue
		}
		for _, p := range hsRequired[objectType] {
			if input.Properties[p] == "" {
				reply(http.StatusBadRequest, fmt.Sprintf("Property %q is required to create a %s", p, strings.TrimSuffix(objectType, "s")))
				return
			}
		}
		h.nextID++
		o := &HubSpotObject{ID: strconv.Itoa(h.nextID), Properties: map[string]string{input.IDProperty: input.ID}}
		for k, v := range input.Properties {
			o.Properties[k] = v
		}
		h.objects[objectType] = append(h.objects[objectType], o)
		results = append(results, result{HubSpotObject: *o, New: true})
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "COMPLETE", "results": results})
}

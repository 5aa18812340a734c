package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"
)

// CRMBackend is what Switchyard needs from a CRM. Every write is keyed by
// something the caller owns (an email, an external ID), so a retried activity
// updates the record it created instead of creating a second one. HubSpot
// implements it in hubspot.go; another CRM (Salesforce: upsert by External ID
// field) is one more file implementing these methods plus its entry in
// worker.CRMBackends, which SWITCHYARD_CRM chooses from.
type CRMBackend interface {
	// Name is the integration's name in logs and errors, e.g. "hubspot".
	Name() string
	UpsertContact(ctx context.Context, in UpsertContactInput) (*CRMRecord, error)
	UpsertDeal(ctx context.Context, in UpsertDealInput) (*CRMRecord, error)
	// MoveDealStage returns (nil, nil) when no deal has the external ID.
	MoveDealStage(ctx context.Context, in MoveDealStageInput) (*CRMRecord, error)
	// CreateTicket returns the existing ticket, unchanged, if one has the key.
	CreateTicket(ctx context.Context, in CreateTicketInput) (*CRMRecord, error)
	// CloseTicket returns (nil, nil) when no ticket has the key.
	CloseTicket(ctx context.Context, in CloseTicketInput) (*CRMRecord, error)
}

// DealStage is a CRM-neutral stage; each backend maps it to its own stage IDs.
type DealStage string

// Deal stages Switchyard sets.
const (
	DealWon      DealStage = "won"
	DealRefunded DealStage = "refunded"
)

// CRMRecord identifies a CRM record and says whether this call created it.
type CRMRecord struct {
	ID      string // the CRM's own ID
	Key     string // the key it was found by: email or external ID
	Created bool
	Stage   string // the CRM's stage after the call, for deals and tickets
}

// UpsertContactInput creates or updates the contact with this email.
type UpsertContactInput struct {
	Email     string
	FirstName string
	LastName  string
	Phone     string
	StripeID  string // the Stripe customer, kept on the contact when set
}

// UpsertDealInput creates or updates the deal with this external ID (a
// Stripe PaymentIntent). Amount is in the currency's minor unit, as Stripe
// reports it.
type UpsertDealInput struct {
	ExternalID   string
	Name         string
	Amount       int64
	Currency     string
	Stage        DealStage
	ContactEmail string
}

// MoveDealStageInput moves the deal with this external ID.
type MoveDealStageInput struct {
	ExternalID string
	Stage      DealStage
}

// MoveDealStageResult says whether the deal existed.
type MoveDealStageResult struct {
	Found  bool
	Record *CRMRecord
}

// CreateTicketInput opens a ticket once per ExternalKey (e.g. "github:acme/app#7").
type CreateTicketInput struct {
	ExternalKey string
	Subject     string
	Content     string
}

// CloseTicketInput closes the ticket with this key.
type CloseTicketInput struct {
	ExternalKey string
}

// CloseTicketResult says whether the ticket existed.
type CloseTicketResult struct {
	Found  bool
	Record *CRMRecord
}

// CRM runs CRM activities against one backend; its methods are activities.
type CRM struct {
	backend CRMBackend
	missing string // the variable to set when backend is nil
}

// NewCRM wraps a backend. With a nil backend the integration is disabled and
// every activity fails non-retryably, naming missingVariable.
func NewCRM(backend CRMBackend, missingVariable string) *CRM {
	return &CRM{backend: backend, missing: missingVariable}
}

// Enabled reports whether a backend is configured.
func (c *CRM) enabled() error {
	if c.backend == nil {
		return notConfigured("crm", c.missing)
	}
	return nil
}

func invalid(integration, msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, integration+"InvalidInput", nil)
}

// UpsertCRMContact creates or updates a contact by email.
func (c *CRM) UpsertCRMContact(ctx context.Context, in UpsertContactInput) (*CRMRecord, error) {
	if err := c.enabled(); err != nil {
		return nil, err
	}
	if in.Email == "" {
		return nil, invalid("CRM", "upsert contact: email is required")
	}
	return c.backend.UpsertContact(ctx, in)
}

// UpsertCRMDeal creates or updates a deal by external ID.
func (c *CRM) UpsertCRMDeal(ctx context.Context, in UpsertDealInput) (*CRMRecord, error) {
	if err := c.enabled(); err != nil {
		return nil, err
	}
	if in.ExternalID == "" || in.Stage == "" {
		return nil, invalid("CRM", fmt.Sprintf("upsert deal: external ID and stage are required, got %q/%q", in.ExternalID, in.Stage))
	}
	return c.backend.UpsertDeal(ctx, in)
}

// MoveCRMDealStage moves an existing deal; Found is false if there is none.
func (c *CRM) MoveCRMDealStage(ctx context.Context, in MoveDealStageInput) (*MoveDealStageResult, error) {
	if err := c.enabled(); err != nil {
		return nil, err
	}
	rec, err := c.backend.MoveDealStage(ctx, in)
	if err != nil {
		return nil, err
	}
	return &MoveDealStageResult{Found: rec != nil, Record: rec}, nil
}

// CreateCRMTicket opens a ticket, or returns the one already opened for the key.
func (c *CRM) CreateCRMTicket(ctx context.Context, in CreateTicketInput) (*CRMRecord, error) {
	if err := c.enabled(); err != nil {
		return nil, err
	}
	if in.ExternalKey == "" {
		return nil, invalid("CRM", "create ticket: external key is required")
	}
	return c.backend.CreateTicket(ctx, in)
}

// CloseCRMTicket closes a ticket; Found is false if there is none.
func (c *CRM) CloseCRMTicket(ctx context.Context, in CloseTicketInput) (*CloseTicketResult, error) {
	if err := c.enabled(); err != nil {
		return nil, err
	}
	rec, err := c.backend.CloseTicket(ctx, in)
	if err != nil {
		return nil, err
	}
	return &CloseTicketResult{Found: rec != nil, Record: rec}, nil
}

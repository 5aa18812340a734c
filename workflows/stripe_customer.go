package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
)

// StripeCustomerResult is what a customer sync found and did.
type StripeCustomerResult struct {
	Customer *activities.Customer
	Contact  *activities.CRMRecord // nil when the customer has no email or is deleted
}

// StripeCustomerSync handles customer.updated and invoice.paid: both mean
// "this customer's details may have changed", so it fetches the customer as
// Stripe has it now (through the invoice for invoice.paid) and upserts the
// CRM contact by email.
func StripeCustomerSync(ctx workflow.Context, in EventInput) (*StripeCustomerResult, error) {
	id, err := stripeObjectID(in)
	if err != nil {
		return nil, err
	}
	sctx := workflow.WithActivityOptions(ctx, stripeOptions)
	customerID := id
	if strings.HasPrefix(in.Type, "invoice.") {
		var inv activities.Invoice
		if err := workflow.ExecuteActivity(sctx, stripeActs.RetrieveInvoice,
			activities.RetrieveInvoiceInput{ID: id}).Get(ctx, &inv); err != nil {
			return nil, fmt.Errorf("retrieve invoice %s: %w", id, err)
		}
		if inv.CustomerID == "" {
			return &StripeCustomerResult{}, nil
		}
		customerID = inv.CustomerID
	}
	var c activities.Customer
	if err := workflow.ExecuteActivity(sctx, stripeActs.RetrieveCustomer,
		activities.RetrieveCustomerInput{ID: customerID}).Get(ctx, &c); err != nil {
		return nil, fmt.Errorf("retrieve customer %s: %w", customerID, err)
	}
	res := &StripeCustomerResult{Customer: &c}
	if c.Deleted || c.Email == "" {
		return res, nil
	}
	first, last, _ := strings.Cut(c.Name, " ")
	res.Contact = new(activities.CRMRecord)
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, crmOptions), crmActs.UpsertCRMContact,
		activities.UpsertContactInput{Email: c.Email, FirstName: first, LastName: last, Phone: c.Phone, StripeID: c.ID},
	).Get(ctx, res.Contact); err != nil {
		return nil, fmt.Errorf("upsert contact %s: %w", c.ID, err)
	}
	return res, nil
}

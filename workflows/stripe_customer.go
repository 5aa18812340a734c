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
	// Slack has one post per configured channel, in their order.
	Slack []*activities.PostSlackMessageResult
}

// CustomerSync is the StripeCustomerSync workflow with the worker's
// settings; register its StripeCustomerSync method.
type CustomerSync struct {
	// SlackChannels are told about every customer change
	// (SWITCHYARD_SLACK_CUSTOMER_CHANNELS).
	SlackChannels []string
}

// customerFanOutChange marks the change from "upsert the contact" to "upsert
// it and post to the channels, in parallel": runs started before it replay
// the old way.
const customerFanOutChange = "customer-slack-fan-out"

// StripeCustomerSync handles customer.updated and invoice.paid: both mean
// "this customer's details may have changed", so it fetches the customer as
// Stripe has it now (through the invoice for invoice.paid), then at once
// upserts the CRM contact by email and posts to each configured Slack
// channel. Each call waits on its own integration's rate-limited queue, so
// however many customers and channels fan out, no provider sees more than
// its rate.
func (s CustomerSync) StripeCustomerSync(ctx workflow.Context, in EventInput) (*StripeCustomerResult, error) {
	c, err := fetchCustomer(ctx, in)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return &StripeCustomerResult{}, nil
	}
	res := &StripeCustomerResult{Customer: c}
	if c.Deleted {
		return res, nil
	}
	if workflow.GetVersion(ctx, customerFanOutChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		if c.Email == "" {
			return res, nil
		}
		res.Contact = new(activities.CRMRecord)
		return res, wrapErr("upsert contact "+c.ID, upsertCustomerContact(ctx, c).Get(ctx, res.Contact))
	}
	// The channels are the worker's configuration, which may differ on the
	// worker that replays this run: recorded once, they replay as they were.
	var channels []string
	if err := workflow.SideEffect(ctx, func(workflow.Context) any { return s.SlackChannels }).Get(&channels); err != nil {
		return nil, fmt.Errorf("read slack channels: %w", err)
	}
	var contact workflow.Future
	if c.Email != "" {
		contact = upsertCustomerContact(ctx, c)
	}
	text := fmt.Sprintf(":bust_in_silhouette: Stripe customer %s %s (%s)", c.ID, customerLabel(c), in.Type)
	posts := make([]workflow.Future, len(channels))
	for i, ch := range channels {
		posts[i] = postSlackTo(ctx, ch, text, "customer")
	}

	var errs []error
	if contact != nil {
		res.Contact = new(activities.CRMRecord)
		errs = append(errs, wrapErr("upsert contact "+c.ID, contact.Get(ctx, res.Contact)))
	}
	for i, f := range posts {
		res.Slack = append(res.Slack, new(activities.PostSlackMessageResult))
		errs = append(errs, wrapErr("post to "+channels[i], f.Get(ctx, res.Slack[i])))
	}
	return res, firstError(errs)
}

// fetchCustomer returns the customer as Stripe has it now, or nil for an
// invoice without one.
func fetchCustomer(ctx workflow.Context, in EventInput) (*activities.Customer, error) {
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
			return nil, nil
		}
		customerID = inv.CustomerID
	}
	var c activities.Customer
	if err := workflow.ExecuteActivity(sctx, stripeActs.RetrieveCustomer,
		activities.RetrieveCustomerInput{ID: customerID}).Get(ctx, &c); err != nil {
		return nil, fmt.Errorf("retrieve customer %s: %w", customerID, err)
	}
	return &c, nil
}

func upsertCustomerContact(ctx workflow.Context, c *activities.Customer) workflow.Future {
	first, last, _ := strings.Cut(c.Name, " ")
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, crmOptions), crmActs.UpsertCRMContact,
		activities.UpsertContactInput{Email: c.Email, FirstName: first, LastName: last, Phone: c.Phone, StripeID: c.ID})
}

// customerLabel is "Name <email>", or whichever of the two Stripe has.
func customerLabel(c *activities.Customer) string {
	switch {
	case c.Name != "" && c.Email != "":
		return c.Name + " <" + c.Email + ">"
	default:
		return firstOf(c.Name, c.Email, "(no name or email)")
	}
}

package activities

import (
	"context"

	"github.com/stripe/stripe-go/v76"
	"go.temporal.io/sdk/activity"
)

// IdempotencyKey is the key every Stripe write sends
// (params.SetIdempotencyKey(IdempotencyKey(ctx))): the workflow ID and the
// activity ID, which stay the same across the retries of one activity and
// differ between activities, so a retried write is applied once by Stripe.
// The Stripe activities today only read; the key is also the Slack marker.
func IdempotencyKey(ctx context.Context) string {
	info := activity.GetInfo(ctx)
	return info.WorkflowExecution.ID + "/" + info.ActivityID
}

// RetrieveCheckoutSessionInput names the Checkout Session to fetch.
type RetrieveCheckoutSessionInput struct {
	ID string
}

// LineItem is one line of a Checkout Session.
type LineItem struct {
	Description string
	Quantity    int64
	AmountTotal int64
}

// CheckoutSession is the current state of a Checkout Session.
type CheckoutSession struct {
	ID              string
	Status          string // open, complete, expired
	PaymentStatus   string // paid, unpaid, no_payment_required
	Mode            string
	AmountTotal     int64
	Currency        string
	CustomerID      string
	CustomerEmail   string
	CustomerName    string
	PaymentIntentID string
	LineItems       []LineItem
}

// RetrieveCheckoutSession fetches a Checkout Session with its line items and
// customer expanded.
func (s *Stripe) RetrieveCheckoutSession(ctx context.Context, in RetrieveCheckoutSessionInput) (*CheckoutSession, error) {
	if s.api == nil {
		return nil, notConfigured("stripe", "STRIPE_API_KEY")
	}
	params := &stripe.CheckoutSessionParams{}
	params.Context = ctx
	params.AddExpand("line_items")
	params.AddExpand("customer")
	cs, err := s.api.CheckoutSessions.Get(in.ID, params)
	if err != nil {
		return nil, stripeError(err)
	}
	out := &CheckoutSession{
		ID: cs.ID, Status: string(cs.Status), PaymentStatus: string(cs.PaymentStatus), Mode: string(cs.Mode),
		AmountTotal: cs.AmountTotal, Currency: string(cs.Currency), CustomerEmail: cs.CustomerEmail,
	}
	if cs.CustomerDetails != nil {
		out.CustomerEmail = firstNonEmpty(cs.CustomerDetails.Email, out.CustomerEmail)
		out.CustomerName = cs.CustomerDetails.Name
	}
	if cs.Customer != nil {
		out.CustomerID = cs.Customer.ID
		out.CustomerEmail = firstNonEmpty(cs.Customer.Email, out.CustomerEmail)
		out.CustomerName = firstNonEmpty(cs.Customer.Name, out.CustomerName)
	}
	if cs.PaymentIntent != nil {
		out.PaymentIntentID = cs.PaymentIntent.ID
	}
	if cs.LineItems != nil {
		for _, li := range cs.LineItems.Data {
			out.LineItems = append(out.LineItems, LineItem{Description: li.Description, Quantity: li.Quantity, AmountTotal: li.AmountTotal})
		}
	}
	return out, nil
}

// RetrieveChargeInput names the Charge to fetch.
type RetrieveChargeInput struct {
	ID string
}

// Charge is the current state of a Charge.
type Charge struct {
	ID              string
	Status          string
	Amount          int64
	AmountRefunded  int64
	Refunded        bool // fully refunded
	Currency        string
	PaymentIntentID string
	CustomerID      string
	CustomerEmail   string
	CustomerName    string
}

// RetrieveCharge fetches a Charge with its customer expanded.
func (s *Stripe) RetrieveCharge(ctx context.Context, in RetrieveChargeInput) (*Charge, error) {
	if s.api == nil {
		return nil, notConfigured("stripe", "STRIPE_API_KEY")
	}
	params := &stripe.ChargeParams{}
	params.Context = ctx
	params.AddExpand("customer")
	ch, err := s.api.Charges.Get(in.ID, params)
	if err != nil {
		return nil, stripeError(err)
	}
	out := &Charge{
		ID: ch.ID, Status: string(ch.Status), Amount: ch.Amount, AmountRefunded: ch.AmountRefunded,
		Refunded: ch.Refunded, Currency: string(ch.Currency), CustomerEmail: ch.ReceiptEmail,
	}
	if ch.BillingDetails != nil {
		out.CustomerEmail = firstNonEmpty(ch.BillingDetails.Email, out.CustomerEmail)
		out.CustomerName = ch.BillingDetails.Name
	}
	if ch.Customer != nil {
		out.CustomerID = ch.Customer.ID
		out.CustomerEmail = firstNonEmpty(ch.Customer.Email, out.CustomerEmail)
		out.CustomerName = firstNonEmpty(ch.Customer.Name, out.CustomerName)
	}
	if ch.PaymentIntent != nil {
		out.PaymentIntentID = ch.PaymentIntent.ID
	}
	return out, nil
}

// RetrieveInvoiceInput names the Invoice to fetch.
type RetrieveInvoiceInput struct {
	ID string
}

// Invoice is the current state of an Invoice.
type Invoice struct {
	ID              string
	Status          string
	Paid            bool
	AmountPaid      int64
	Currency        string
	CustomerID      string
	CustomerEmail   string
	CustomerName    string
	PaymentIntentID string
}

// RetrieveInvoice fetches an Invoice.
func (s *Stripe) RetrieveInvoice(ctx context.Context, in RetrieveInvoiceInput) (*Invoice, error) {
	if s.api == nil {
		return nil, notConfigured("stripe", "STRIPE_API_KEY")
	}
	params := &stripe.InvoiceParams{}
	params.Context = ctx
	inv, err := s.api.Invoices.Get(in.ID, params)
	if err != nil {
		return nil, stripeError(err)
	}
	out := &Invoice{
		ID: inv.ID, Status: string(inv.Status), Paid: inv.Paid, AmountPaid: inv.AmountPaid, Currency: string(inv.Currency),
		CustomerEmail: inv.CustomerEmail, CustomerName: inv.CustomerName,
	}
	if inv.Customer != nil {
		out.CustomerID = inv.Customer.ID
	}
	if inv.PaymentIntent != nil {
		out.PaymentIntentID = inv.PaymentIntent.ID
	}
	return out, nil
}

// RetrieveCustomerInput names the Customer to fetch.
type RetrieveCustomerInput struct {
	ID string
}

// Customer is the current state of a Customer.
type Customer struct {
	ID      string
	Email   string
	Name    string
	Phone   string
	Deleted bool
}

// RetrieveCustomer fetches a Customer.
func (s *Stripe) RetrieveCustomer(ctx context.Context, in RetrieveCustomerInput) (*Customer, error) {
	if s.api == nil {
		return nil, notConfigured("stripe", "STRIPE_API_KEY")
	}
	params := &stripe.CustomerParams{}
	params.Context = ctx
	c, err := s.api.Customers.Get(in.ID, params)
	if err != nil {
		return nil, stripeError(err)
	}
	return &Customer{ID: c.ID, Email: c.Email, Name: c.Name, Phone: c.Phone, Deleted: c.Deleted}, nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
)

// StripeCheckoutResult is what a checkout workflow found and did.
type StripeCheckoutResult struct {
	Session *activities.CheckoutSession
	Sync    *PaymentSync // nil when the session is not paid
}

// StripeCheckout handles checkout.session.completed: it fetches the session
// (with line items and customer) and, when it has one, its PaymentIntent, so
// the deal's external ID is the PaymentIntent (the same deal a
// payment_intent.succeeded event upserts) and its stage reflects any refund.
func StripeCheckout(ctx workflow.Context, in EventInput) (*StripeCheckoutResult, error) {
	id, err := stripeObjectID(in)
	if err != nil {
		return nil, err
	}
	sctx := workflow.WithActivityOptions(ctx, stripeOptions)
	var cs activities.CheckoutSession
	if err := workflow.ExecuteActivity(sctx, stripeActs.RetrieveCheckoutSession,
		activities.RetrieveCheckoutSessionInput{ID: id}).Get(ctx, &cs); err != nil {
		return nil, fmt.Errorf("retrieve checkout session %s: %w", id, err)
	}
	res := &StripeCheckoutResult{Session: &cs}
	if cs.PaymentStatus != "paid" {
		return res, nil
	}
	p := payment{
		ExternalID: firstOf(cs.PaymentIntentID, cs.ID), Amount: cs.AmountTotal, Currency: cs.Currency,
		Email: cs.CustomerEmail, Name: cs.CustomerName, CustomerID: cs.CustomerID, Title: "Checkout " + cs.ID,
	}
	if len(cs.LineItems) > 0 {
		p.Title = cs.LineItems[0].Description
		if n := len(cs.LineItems); n > 1 {
			p.Title = fmt.Sprintf("%s and %d more", p.Title, n-1)
		}
	}
	if cs.PaymentIntentID != "" {
		var pi activities.PaymentIntent
		if err := workflow.ExecuteActivity(sctx, stripeActs.RetrievePaymentIntent,
			activities.RetrievePaymentIntentInput{ID: cs.PaymentIntentID}).Get(ctx, &pi); err != nil {
			return nil, fmt.Errorf("retrieve payment intent %s: %w", cs.PaymentIntentID, err)
		}
		p.Refunded = pi.Refunded
	}
	res.Sync, err = syncPayment(ctx, p)
	return res, err
}

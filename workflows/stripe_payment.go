package workflows

import (
	"encoding/json"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
)

// stripeActs is a nil receiver used only to name Stripe activities by method.
var stripeActs *activities.Stripe

// StripePaymentResult is what a payment event workflow found and did.
type StripePaymentResult struct {
	PaymentIntent *activities.PaymentIntent
}

// stripeEnvelope is the part of a Stripe event the workflow reads itself.
type stripeEnvelope struct {
	Data struct {
		Object struct {
			ID     string `json:"id"`
			Object string `json:"object"`
		} `json:"object"`
	} `json:"data"`
}

// StripePayment handles payment_intent.succeeded: it treats the webhook as a
// trigger and fetches the PaymentIntent's current state from the Stripe API,
// because the event may be stale or arrive out of order.
func StripePayment(ctx workflow.Context, in EventInput) (*StripePaymentResult, error) {
	var env stripeEnvelope
	if err := json.Unmarshal(in.Payload, &env); err != nil || env.Data.Object.ID == "" {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("event %s has no data.object.id", in.EventID), "MalformedEvent", err)
	}
	ctx = workflow.WithActivityOptions(ctx, stripeOptions)
	var pi activities.PaymentIntent
	err := workflow.ExecuteActivity(ctx, stripeActs.RetrievePaymentIntent,
		activities.RetrievePaymentIntentInput{ID: env.Data.Object.ID}).Get(ctx, &pi)
	if err != nil {
		return nil, fmt.Errorf("retrieve payment intent %s: %w", env.Data.Object.ID, err)
	}
	workflow.GetLogger(ctx).Info("payment intent fetched", "payment_intent", pi.ID, "status", pi.Status)
	return &StripePaymentResult{PaymentIntent: &pi}, nil
}

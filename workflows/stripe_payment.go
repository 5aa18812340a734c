package workflows

import (
	"encoding/json"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
)

// stripeActs is a nil receiver used only to name Stripe activities by method.
var stripeActs *activities.Stripe

// StripePaymentResult is what a payment event workflow found and did.
type StripePaymentResult struct {
	PaymentIntent *activities.PaymentIntent
	Sync          *PaymentSync // nil when the payment has not succeeded
}

// PaymentSync is what syncing one payment to the CRM and Slack did.
type PaymentSync struct {
	Stage   activities.DealStage
	Contact *activities.CRMRecord // nil when Stripe knows no email
	Deal    *activities.CRMRecord
	Slack   *activities.PostSlackMessageResult
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

// stripeObjectID reads data.object.id, the only thing taken from the webhook:
// everything else comes from the API.
func stripeObjectID(in EventInput) (string, error) {
	var env stripeEnvelope
	if err := json.Unmarshal(in.Payload, &env); err != nil || env.Data.Object.ID == "" {
		return "", temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("event %s has no data.object.id", in.EventID), "MalformedEvent", err)
	}
	return env.Data.Object.ID, nil
}

// StripePayment handles payment_intent.succeeded: it treats the webhook as a
// trigger and fetches the PaymentIntent's current state from the Stripe API,
// because the event may be stale or arrive out of order. A succeeded payment
// becomes, in parallel, a CRM contact, a deal keyed by the PaymentIntent and
// a Slack message; the deal's stage is what Stripe says now (refunded if the
// charge has been refunded since), so event order does not matter.
func StripePayment(ctx workflow.Context, in EventInput) (*StripePaymentResult, error) {
	id, err := stripeObjectID(in)
	if err != nil {
		return nil, err
	}
	var pi activities.PaymentIntent
	err = workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, stripeOptions), stripeActs.RetrievePaymentIntent,
		activities.RetrievePaymentIntentInput{ID: id}).Get(ctx, &pi)
	if err != nil {
		return nil, fmt.Errorf("retrieve payment intent %s: %w", id, err)
	}
	workflow.GetLogger(ctx).Info("payment intent fetched", "payment_intent", pi.ID, "status", pi.Status)
	res := &StripePaymentResult{PaymentIntent: &pi}
	if pi.Status != "succeeded" {
		return res, nil
	}
	res.Sync, err = syncPayment(ctx, payment{
		ExternalID: pi.ID, Amount: pi.Amount, Currency: pi.Currency, Refunded: pi.Refunded,
		Email: pi.CustomerEmail, Name: pi.CustomerName, CustomerID: pi.CustomerID,
		Title: firstOf(pi.Description, "Stripe payment "+pi.ID),
	})
	return res, err
}

// payment is what the CRM and Slack are told about one payment.
type payment struct {
	ExternalID string // the PaymentIntent (or the Checkout Session without one)
	Amount     int64
	Currency   string
	Refunded   bool
	Email      string
	Name       string
	CustomerID string
	Title      string
}

// syncPayment upserts the contact and the deal and posts to Slack, all three
// at once: each runs on its integration's rate-limited queue.
func syncPayment(ctx workflow.Context, p payment) (*PaymentSync, error) {
	crmCtx := workflow.WithActivityOptions(ctx, crmOptions)
	out := &PaymentSync{Stage: activities.DealWon}
	if p.Refunded {
		out.Stage = activities.DealRefunded
	}
	var contact workflow.Future
	if p.Email != "" {
		first, last, _ := strings.Cut(p.Name, " ")
		contact = workflow.ExecuteActivity(crmCtx, crmActs.UpsertCRMContact, activities.UpsertContactInput{
			Email: p.Email, FirstName: first, LastName: last, StripeID: p.CustomerID,
		})
	}
	deal := workflow.ExecuteActivity(crmCtx, crmActs.UpsertCRMDeal, activities.UpsertDealInput{
		ExternalID: p.ExternalID, Name: p.Title, Amount: p.Amount, Currency: p.Currency,
		Stage: out.Stage, ContactEmail: p.Email,
	})
	text := fmt.Sprintf(":moneybag: %s %s paid by %s (%s)", activities.MajorUnits(p.Amount, p.Currency),
		strings.ToUpper(p.Currency), firstOf(p.Email, "an unknown customer"), p.ExternalID)
	if p.Refunded {
		text += ", since refunded"
	}
	slackMsg := postSlack(ctx, text, "payment")

	var errs []error
	if contact != nil {
		out.Contact = new(activities.CRMRecord)
		errs = append(errs, wrapErr("upsert contact", contact.Get(ctx, out.Contact)))
	}
	out.Deal = new(activities.CRMRecord)
	errs = append(errs, wrapErr("upsert deal", deal.Get(ctx, out.Deal)))
	out.Slack = new(activities.PostSlackMessageResult)
	errs = append(errs, wrapErr("post to slack", slackMsg.Get(ctx, out.Slack)))
	return out, firstError(errs)
}

// firstError returns the first error wrapped (so its type, e.g. a
// non-retryable IntegrationNotConfigured, stays in the chain Temporal
// records), with the others' messages appended; errors.Join would hide them
// behind a generic type.
func firstError(errs []error) error {
	var first error
	var more []string
	for _, err := range errs {
		switch {
		case err == nil:
		case first == nil:
			first = err
		default:
			more = append(more, err.Error())
		}
	}
	if first == nil || len(more) == 0 {
		return first
	}
	return fmt.Errorf("%w; also: %s", first, strings.Join(more, "; "))
}

// postSlack posts to the default channel. The marker is the workflow ID and
// purpose, so a retried activity, or a replay, finds its earlier message.
func postSlack(ctx workflow.Context, text, purpose string) workflow.Future {
	return postSlackTo(ctx, "", text, purpose)
}

// postSlackTo posts to one channel ("": the default). A channel's marker
// also names the channel, so each of a workflow's posts has its own.
func postSlackTo(ctx workflow.Context, channel, text, purpose string) workflow.Future {
	marker := workflow.GetInfo(ctx).WorkflowExecution.ID + "/" + purpose
	if channel != "" {
		marker += "/" + channel
	}
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, slackOptions), slackActs.PostSlackMessage,
		activities.PostSlackMessageInput{Channel: channel, Text: text, Marker: marker})
}

func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

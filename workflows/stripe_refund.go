package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
)

// StripeRefundResult is what a refund workflow found and did.
type StripeRefundResult struct {
	Charge *activities.Charge
	Deal   *activities.CRMRecord // nil for a partial refund
	Slack  *activities.PostSlackMessageResult
}

// StripeRefund handles charge.refunded: it fetches the charge and, when it is
// fully refunded, moves the deal keyed by its PaymentIntent to the refunded
// stage. If the refund arrives before the payment's own event, there is no
// deal yet: it is upserted from the charge, already refunded, and the late
// payment event then finds Stripe reporting the refund too.
func StripeRefund(ctx workflow.Context, in EventInput) (*StripeRefundResult, error) {
	id, err := stripeObjectID(in)
	if err != nil {
		return nil, err
	}
	var ch activities.Charge
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, stripeOptions), stripeActs.RetrieveCharge,
		activities.RetrieveChargeInput{ID: id}).Get(ctx, &ch); err != nil {
		return nil, fmt.Errorf("retrieve charge %s: %w", id, err)
	}
	res := &StripeRefundResult{Charge: &ch}
	external := firstOf(ch.PaymentIntentID, ch.ID)
	if ch.Refunded {
		crmCtx := workflow.WithActivityOptions(ctx, crmOptions)
		var moved activities.MoveDealStageResult
		if err := workflow.ExecuteActivity(crmCtx, crmActs.MoveCRMDealStage, activities.MoveDealStageInput{
			ExternalID: external, Stage: activities.DealRefunded}).Get(ctx, &moved); err != nil {
			return nil, fmt.Errorf("move deal %s: %w", external, err)
		}
		res.Deal = moved.Record
		if !moved.Found {
			res.Deal = new(activities.CRMRecord)
			if err := workflow.ExecuteActivity(crmCtx, crmActs.UpsertCRMDeal, activities.UpsertDealInput{
				ExternalID: external, Name: "Stripe payment " + external, Amount: ch.Amount, Currency: ch.Currency,
				Stage: activities.DealRefunded, ContactEmail: ch.CustomerEmail,
			}).Get(ctx, res.Deal); err != nil {
				return nil, fmt.Errorf("upsert refunded deal %s: %w", external, err)
			}
		}
	}
	what := "fully refunded"
	if !ch.Refunded {
		what = fmt.Sprintf("partly refunded (%s of %s)", activities.MajorUnits(ch.AmountRefunded, ch.Currency),
			activities.MajorUnits(ch.Amount, ch.Currency))
	}
	text := fmt.Sprintf(":leftwards_arrow_with_hook: %s %s payment %s %s", activities.MajorUnits(ch.Amount, ch.Currency),
		strings.ToUpper(ch.Currency), external, what)
	res.Slack = new(activities.PostSlackMessageResult)
	if err := postSlack(ctx, text, "refund").Get(ctx, res.Slack); err != nil {
		return nil, fmt.Errorf("post to slack: %w", err)
	}
	return res, nil
}

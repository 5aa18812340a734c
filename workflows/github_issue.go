package workflows

import (
	"encoding/json"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchyard/switchyard/activities"
)

// githubActs is a nil receiver used only to name GitHub activities by method.
var githubActs *activities.GitHub

// GitHubIssueResult is what an issue event workflow did.
type GitHubIssueResult struct {
	Ticket  *activities.CRMRecord
	Closed  bool
	Comment *activities.CommentOnIssueResult
	Slack   *activities.PostSlackMessageResult
}

type githubIssueEnvelope struct {
	Action string `json:"action"`
	Issue  struct {
		Number  int    `json:"number"`
		Title   string `json:"title"`
		Body    string `json:"body"`
		HTMLURL string `json:"html_url"`
	} `json:"issue"`
	Repository struct {
		Name  string `json:"name"`
		Owner struct {
			Login string `json:"login"`
		} `json:"owner"`
	} `json:"repository"`
}

// GitHubIssue handles issues.opened and issues.closed. Opened: create a CRM
// ticket keyed by the issue, comment on the issue with the ticket reference
// (the comment carries the workflow ID as a marker, so a retry never posts
// twice) and tell Slack. Closed: close the ticket, creating it first if the
// closed event overtook the opened one; an opened event arriving after that
// finds the ticket and leaves it closed.
func GitHubIssue(ctx workflow.Context, in EventInput) (*GitHubIssueResult, error) {
	var env githubIssueEnvelope
	if err := json.Unmarshal(in.Payload, &env); err != nil || env.Issue.Number == 0 || env.Repository.Name == "" {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("delivery %s has no issue or repository", in.EventID), "MalformedEvent", err)
	}
	owner, repo, num := env.Repository.Owner.Login, env.Repository.Name, env.Issue.Number
	ref := fmt.Sprintf("%s/%s#%d", owner, repo, num)
	crmCtx := workflow.WithActivityOptions(ctx, crmOptions)
	res := &GitHubIssueResult{Ticket: new(activities.CRMRecord)}
	err := workflow.ExecuteActivity(crmCtx, crmActs.CreateCRMTicket, activities.CreateTicketInput{
		ExternalKey: ticketKey(owner, repo, num), Subject: fmt.Sprintf("%s: %s", ref, strings.TrimSpace(env.Issue.Title)),
		Content: env.Issue.HTMLURL,
	}).Get(ctx, res.Ticket)
	if err != nil {
		return nil, fmt.Errorf("create ticket for %s: %w", ref, err)
	}
	if env.Action == "closed" {
		var closed activities.CloseTicketResult
		if err := workflow.ExecuteActivity(crmCtx, crmActs.CloseCRMTicket,
			activities.CloseTicketInput{ExternalKey: ticketKey(owner, repo, num)}).Get(ctx, &closed); err != nil {
			return nil, fmt.Errorf("close ticket for %s: %w", ref, err)
		}
		res.Closed = closed.Found
		return res, nil
	}

	info := workflow.GetInfo(ctx)
	body := fmt.Sprintf("Thanks for opening **%s**. Switchyard is on it: CRM ticket `%s` (event `%s`).",
		strings.TrimSpace(env.Issue.Title), res.Ticket.ID, info.WorkflowExecution.ID)
	// The comment and the Slack message do not depend on each other.
	comment := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, githubOptions), githubActs.CommentOnIssue,
		activities.CommentOnIssueInput{Owner: owner, Repo: repo, Number: num, Body: body, Marker: info.WorkflowExecution.ID})
	slackMsg := postSlack(ctx, fmt.Sprintf(":ticket: %s opened: %s (ticket %s)", ref, strings.TrimSpace(env.Issue.Title), res.Ticket.ID), "issue")
	res.Comment, res.Slack = new(activities.CommentOnIssueResult), new(activities.PostSlackMessageResult)
	if err := comment.Get(ctx, res.Comment); err != nil {
		return nil, fmt.Errorf("comment on %s: %w", ref, err)
	}
	if err := slackMsg.Get(ctx, res.Slack); err != nil {
		return nil, fmt.Errorf("post to slack: %w", err)
	}
	return res, nil
}

// ticketKey is the CRM key of an issue's ticket. It avoids "/" and "#",
// which would need escaping in the CRM's URL paths.
func ticketKey(owner, repo string, number int) string {
	return fmt.Sprintf("github:%s:%s:%d", owner, repo, number)
}

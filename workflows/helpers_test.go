package workflows_test

import (
	"errors"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

func startOpts(id string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{ID: id, TaskQueue: "test"}
}

// hasErrorType walks err's chain for an application error of type typ.
func hasErrorType(err error, typ string) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) && appErr.Type() == typ {
			return true
		}
	}
	return false
}

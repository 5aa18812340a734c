package ingress

import (
	"errors"
	"fmt"
)

// startsError is nil when every start succeeded. A single event keeps its own
// error. For a batch (several events, or a batching sender's delivery of
// one), any failure answers 503: the sender must resend the whole delivery,
// and the events already started then dedupe (issue 4.1).
func startsError(errs []error, batch bool) error {
	b := &batchError{total: len(errs)}
	for _, err := range errs {
		if err != nil {
			b.failed = append(b.failed, err)
		}
	}
	switch {
	case len(b.failed) == 0:
		return nil
	case b.total == 1 && !batch:
		return b.failed[0]
	}
	return b
}

// batchError is a batch with some starts failed. Its message, which the
// sender sees, stays short however many failed: a count and the first cause
// (our own wrapped text). The log line lists every failure (failuresAttr).
type batchError struct {
	failed []error
	total  int
}

func (b *batchError) Error() string {
	return fmt.Sprintf("%v: %d of %d events not started, resend the delivery (first: %v)",
		ErrBatchIncomplete, len(b.failed), b.total, b.failed[0])
}

// Unwrap lets statusOf see ErrBatchIncomplete and, through the failures,
// ErrUnavailable when Temporal itself was the cause.
func (b *batchError) Unwrap() []error { return append([]error{ErrBatchIncomplete}, b.failed...) }

// failuresAttr lists every failed start of a batch in the log line.
func failuresAttr(err error) []any {
	var b *batchError
	if !errors.As(err, &b) {
		return nil
	}
	msgs := make([]string, len(b.failed))
	for i, f := range b.failed {
		msgs[i] = f.Error()
	}
	return []any{"failures", msgs}
}

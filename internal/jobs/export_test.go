package jobs

import "context"

// ClaimOnly claims due jobs the way RunDue does and then forgets them, as a
// runner that died right after its claim would.
func (q *Queue) ClaimOnly(ctx context.Context) ([]Job, error) {
	return q.claim(ctx, q.kindNames(), max(q.Batch, 1))
}

package demand

import (
	"context"
	"sync"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// intakeBatch groups concurrent intakes on SQLite into one transaction (group
// commit): the first caller commits everything queued while it works, each
// intake inside its own savepoint so one bad row fails alone. A hotline
// centre at peak files many demands at once; one commit and one fsync for
// all of them keeps intake near the database's own one-row throughput.
// Every caller returns only after the commit that holds its demand, so an
// acknowledged demand is durable.
type intakeBatch struct {
	mu      sync.Mutex
	pending []*intakeJob
	running bool
}

type intakeJob struct {
	p    *auth.Principal
	pd   *prepared
	err  error
	done chan struct{}
}

// maxBatch bounds one transaction.
const maxBatch = 128

func (s *Service) submit(p *auth.Principal, pd *prepared) error {
	job := &intakeJob{p: p, pd: pd, done: make(chan struct{})}
	b := &s.batch
	b.mu.Lock()
	b.pending = append(b.pending, job)
	if b.running {
		b.mu.Unlock()
		<-job.done
		return job.err
	}
	b.running = true
	for len(b.pending) > 0 {
		n := min(len(b.pending), maxBatch)
		batch := b.pending[:n:n]
		b.pending = b.pending[n:]
		b.mu.Unlock()
		s.commitBatch(batch)
		b.mu.Lock()
	}
	b.running = false
	b.mu.Unlock()
	<-job.done
	return job.err
}

// commitBatch writes the jobs in one transaction. It runs on a background
// context: one client hanging up must not undo the others' demands.
func (s *Service) commitBatch(jobs []*intakeJob) {
	ctx := context.Background()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, j := range jobs {
			if len(jobs) == 1 {
				j.err = s.insert(ctx, tx, j.p, j.pd)
				return j.err
			}
			if _, err := tx.Exec(ctx, "SAVEPOINT intake"); err != nil {
				return errs.Wrap(err, "savepoint")
			}
			if j.err = s.insert(ctx, tx, j.p, j.pd); j.err != nil {
				if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT intake"); err != nil {
					return errs.Wrap(err, "rollback to savepoint")
				}
			}
			if _, err := tx.Exec(ctx, "RELEASE SAVEPOINT intake"); err != nil {
				return errs.Wrap(err, "release savepoint")
			}
		}
		return nil
	})
	for _, j := range jobs {
		if err != nil && j.err == nil {
			j.err = err
		}
		close(j.done)
	}
}

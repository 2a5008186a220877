// Package delib is deliberation (自治协商): topics residents raise and
// support until staff owe them an answer, and secret, verifiable votes.
//
// A vote keeps the record of who voted (vote_voters: a voter or household
// and how they voted — signed in or by link) apart from the ballots
// (vote_ballots: a random receipt and the choice). No row, column, order
// or log line joins the two: ballots carry no voter, no time and no
// sequence, the audit row of a ballot says only that someone voted in the
// vote, and the receipt is shown once to the voter. When the vote closes
// the receipts and their choices are published, so anyone can recount the
// tally and each voter can find their own ballot.
package delib

import (
	"context"
	"strconv"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
)

// Service is the deliberation capability on one database.
type Service struct {
	db     *db.DB
	clock  clock.Clock
	notify Notifier // tells the parent area's staff of overdue topics; nil: nobody
}

// NewService returns the deliberation service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

// Job kinds, keyed by the vote's or topic's id.
const (
	JobVoteOpen    = "delib.vote_open"
	JobVoteClose   = "delib.vote_close"
	JobTopicAnswer = "delib.topic_due" // a topic on the agenda nobody answered in time
)

type idArgs struct {
	ID int64 `json:"id"`
}

func job(kind string, id int64, at time.Time) jobs.Job {
	return jobs.Job{Kind: kind, Key: strconv.FormatInt(id, 10), RunAt: at, Args: idArgs{ID: id}}
}

// RegisterJobs makes q open and close votes on time and mark topics whose
// answer is overdue.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	reg := func(kind string, fn func(ctx context.Context, tx *db.Tx, id int64) error) {
		q.Register(kind, jobs.Handle(func(ctx context.Context, tx *db.Tx, a idArgs) error { return fn(ctx, tx, a.ID) }))
	}
	reg(JobVoteOpen, s.openDue)
	reg(JobVoteClose, s.closeDue)
	reg(JobTopicAnswer, s.topicDue)
}

// eligible reports whether p votes, raises and supports as a resident of
// the area at path: a grant holding delib.join on that area or inside it
// (a resident of a residential area takes part in its street's votes).
func eligible(p *auth.Principal, path string) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if g.Role.Can(auth.DelibJoin) && len(g.AreaPath) >= len(path) && g.AreaPath[:len(path)] == path {
			return true
		}
	}
	return false
}

// hidden is what a caller learns of a record outside its reach: nothing.
func hidden(p *auth.Principal, what string) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	return errs.New(errs.ENOTFOUND, "%s not found", what)
}

// record writes the audit row of one change.
func record(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, action, entity string, id int64, path string, before, after any) error {
	return auth.Record(ctx, tx, now, p, auth.Change{Action: action, Entity: entity, EntityID: strconv.FormatInt(id, 10),
		AreaPath: path, Before: before, After: after})
}

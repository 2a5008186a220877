package notify

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/texts"
)

// Kind says what a notice is about, so the inbox can group and badge it.
type Kind string

// The kinds of notice the demand loop and the rest of gongzhi send.
const (
	KindAssignment Kind = "assignment" // 派单: a case was dispatched to you
	KindReminder   Kind = "reminder"   // 临期提醒: a deadline is near
	KindEscalation Kind = "escalation" // 督办: a case under you ran out of time
	KindReturn     Kind = "return"     // 退单: a case came back with a reason
	KindExtension  Kind = "extension"  // 延期: an extension to approve or its answer
	KindCallback   Kind = "callback"   // 回访: a resident rated or must be called back
	KindInfo       Kind = "info"       // anything else worth knowing
)

// Kinds lists every kind a notice may have; each has a label in the web
// catalogues (checked by web's i18n test). The table takes any kind, so a
// capability adds its kinds here and in the catalogues, not in a migration.
var Kinds = []Kind{KindAssignment, KindReminder, KindEscalation, KindReturn, KindExtension, KindCallback, KindInfo}

// Limits on a notice, so one careless caller cannot fill the inbox table.
const (
	maxTitle      = 200  // characters
	maxBody       = 4000 // characters
	maxLink       = 2000 // bytes
	maxRecipients = 10000
)

// Notice is one message to some staff. Recipients are the union of UserIDs
// and, when Area is set, the staff OF that area (a grant on exactly that
// area, not on a place below it) holding one of Roles, plus the staff of
// every area above it when Ancestors is set. Unit-bound roles (a unit
// liaison) are staff of their unit, not of their area: they are told only
// through Unit. Disabled users get nothing.
type Notice struct {
	Kind Kind
	// TitleText is a system-made title, worded for each reader; Title is
	// one a person wrote. A notice has one or the other.
	TitleText texts.Text
	Title     string
	Body      string
	Link      string // a path in the web app, e.g. /demands/42
	Entity    string // what the notice is about, e.g. "demand"
	EntityID  string

	UserIDs   []int64
	Area      string      // area code
	Roles     []auth.Role // required with Area
	Ancestors bool        // also staff of the areas above Area (督办 goes up the tree)
	Unit      int64       // also the staff of this unit (grants naming it) holding one of Roles

	// Email also queues an e-mail to each recipient with an address, when
	// the service was built with Options.Email.
	Email bool
}

func (n Notice) validate() error {
	var ds []errs.Detail
	if !slices.Contains(Kinds, n.Kind) {
		ds = append(ds, errs.D("kind", "unknown notice kind %q", string(n.Kind)))
	}
	if n.TitleText.Code != "" {
		if !texts.Has(n.TitleText.Code) {
			ds = append(ds, errs.D("title", "unknown title code %q", n.TitleText.Code))
		}
	} else if strings.TrimSpace(n.Title) == "" {
		ds = append(ds, errs.D("title", "a notice needs a title"))
	} else if utf8.RuneCountInString(n.Title) > maxTitle {
		ds = append(ds, errs.D("title", "title must be at most %d characters", maxTitle))
	}
	if utf8.RuneCountInString(n.Body) > maxBody {
		ds = append(ds, errs.D("body", "body must be at most %d characters", maxBody))
	}
	if len(n.Link) > maxLink {
		ds = append(ds, errs.D("link", "link must be at most %d bytes", maxLink))
	}
	if (n.Area != "" || n.Unit != 0) && len(n.Roles) == 0 {
		ds = append(ds, errs.D("roles", "name the roles whose staff of the area are told"))
	}
	for _, r := range n.Roles {
		if !auth.ValidRole(string(r)) {
			ds = append(ds, errs.D("roles", "unknown role %q", string(r)))
		}
	}
	if n.Area == "" && n.Unit == 0 && len(n.UserIDs) == 0 {
		ds = append(ds, errs.D("recipients", "a notice needs user IDs or an area with roles"))
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// Notify writes the notice to every recipient's inbox inside tx, the
// transaction of the change it reports, and queues e-mail copies when asked:
// the change and its notices commit together or not at all. No recipient
// (an area nobody staffs yet) is not an error.
func (s *Service) Notify(ctx context.Context, tx *db.Tx, n Notice) error {
	if err := n.validate(); err != nil {
		return err
	}
	users, err := recipients(ctx, tx, n)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	// One statement for every recipient: intake holds SQLite's write lock
	// while it notifies, and on PostgreSQL each statement is a round trip.
	for chunk := range slices.Chunk(users, 100) {
		rows, args := make([]string, len(chunk)), make([]any, 0, 8*len(chunk))
		for i, u := range chunk {
			rows[i] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			args = append(args, u.id, string(n.Kind), n.Title, n.TitleText.Code, n.TitleText.ArgsJSON(), n.Body, n.Link, n.Entity, n.EntityID, now)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO inbox (user_id, kind, title, title_code, title_args, body, link, entity, entity_id, created_at) VALUES `+
			strings.Join(rows, ", "), args...); err != nil {
			return errs.Wrap(err, "insert inbox")
		}
	}
	for _, u := range users {
		if n.Email && s.opts.Email && u.email != "" {
			title := n.title(u.lang) // in the recipient's own language
			if err := s.queueEmail(ctx, tx, u.email, title, s.emailBody(n, title), now); err != nil {
				return err
			}
		}
	}
	return nil
}

type recipient struct {
	id    int64
	email string
	lang  string
}

// title is n's title worded for a reader of lang.
func (n Notice) title(lang string) string {
	if n.TitleText.Code != "" {
		return n.TitleText.In(lang)
	}
	return n.Title
}

// recipients resolves a notice's user IDs and area staff into distinct,
// enabled users, in id order so notices to many people insert predictably.
func recipients(ctx context.Context, q db.Querier, n Notice) ([]recipient, error) {
	// Each way of naming people is a set of user ids; the users are read
	// by id from their union, so both engines start from the grants
	// indexes instead of testing every user of the district.
	var sets []string
	var args []any
	if len(n.UserIDs) > 0 {
		sets = append(sets, "SELECT id FROM users WHERE id IN ("+marks(len(n.UserIDs))+")")
		for _, id := range n.UserIDs {
			args = append(args, id)
		}
	}
	if n.Area != "" {
		path, err := area.Path(ctx, q, n.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return nil, errs.Invalid("area", "unknown area code %q", n.Area)
		} else if err != nil {
			return nil, err
		}
		paths := []string{path}
		if n.Ancestors {
			paths = area.Chain(path)
		}
		var roles []any
		for _, r := range n.Roles {
			if !r.UnitBound() {
				roles = append(roles, string(r))
			}
		}
		if len(roles) > 0 {
			sets = append(sets, "SELECT g.user_id FROM grants g WHERE g.area_path IN ("+marks(len(paths))+
				") AND g.role IN ("+marks(len(roles))+")")
			for _, p := range paths {
				args = append(args, p)
			}
			args = append(args, roles...)
		}
	}
	if n.Unit != 0 {
		sets = append(sets, "SELECT g.user_id FROM grants g WHERE g.unit_id = ? AND g.role IN ("+marks(len(n.Roles))+")")
		args = append(args, n.Unit)
		for _, r := range n.Roles {
			args = append(args, string(r))
		}
	}
	if len(sets) == 0 {
		return nil, nil
	}
	out, err := db.All(ctx, q, "SELECT u.id, u.email, u.lang FROM users u WHERE u.disabled = FALSE AND u.id IN ("+
		strings.Join(sets, " UNION ")+") ORDER BY u.id", args, func(sc db.Scanner) (recipient, error) {
		var r recipient
		err := sc.Scan(&r.id, &r.email, &r.lang)
		return r, err
	})
	if err != nil {
		return nil, errs.Wrap(err, "recipients")
	}
	if len(out) > maxRecipients {
		return nil, errs.Invalid("recipients", "a notice may reach at most %d people", maxRecipients)
	}
	// A disabled user named explicitly is skipped like any other; one that
	// does not exist is a caller's bug worth naming.
	for _, id := range n.UserIDs {
		if !slices.ContainsFunc(out, func(r recipient) bool { return r.id == id }) {
			var one int
			if err := q.QueryRow(ctx, "SELECT count(*) FROM users WHERE id = ?", id).Scan(&one); err != nil {
				return nil, errs.Wrap(err, "recipient")
			}
			if one == 0 {
				return nil, errs.Invalid("user_ids", "user %d does not exist", id)
			}
		}
	}
	return out, nil
}

// marks returns n comma-separated '?' placeholders.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// emailBody is a notice as plain text under its worded title, with its
// link made absolute.
func (s *Service) emailBody(n Notice, title string) string {
	var b strings.Builder
	b.WriteString(title)
	b.WriteString("\n\n")
	if n.Body != "" {
		b.WriteString(n.Body)
		b.WriteString("\n\n")
	}
	if n.Link != "" {
		link := n.Link
		if strings.HasPrefix(link, "/") {
			link = s.opts.BaseURL + link
		}
		b.WriteString(link)
		b.WriteString("\n")
	}
	return b.String()
}

// Item is one inbox entry as its owner sees it. A system-made title is a
// code with arguments; Title is worded for the reader (Localize).
type Item struct {
	ID        int64             `json:"id"`
	Kind      Kind              `json:"kind"`
	Title     string            `json:"title"`
	TitleCode string            `json:"title_code,omitempty"`
	TitleArgs map[string]string `json:"title_args,omitempty"`
	Body      string            `json:"body"`
	Link      string            `json:"link"`
	Entity    string            `json:"entity"`
	EntityID  string            `json:"entity_id"`
	CreatedAt time.Time         `json:"created_at"`
	ReadAt    *time.Time        `json:"read_at"`

	written string // a title a person wrote
}

// Localize words items' titles for a reader of lang.
func Localize(items []Item, lang string) {
	for i := range items {
		it := &items[i]
		it.Title = it.written
		if it.TitleCode != "" {
			it.Title = texts.Render(lang, it.TitleCode, it.TitleArgs)
		}
	}
}

// owner returns the user whose inbox p may touch: only their own, so no
// scope rule applies and nobody reads anyone else's notices.
func owner(p *auth.Principal) (int64, error) {
	if p == nil || p.UserID == 0 {
		return 0, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	return p.UserID, nil
}

// Inbox lists the caller's own notices, newest first, with the number that
// match (all, or unread only) and the number unread for the badge. Titles
// are worded in the caller's saved language; Localize words them again
// for another.
func (s *Service) Inbox(ctx context.Context, p *auth.Principal, unreadOnly bool, page, perPage int) ([]Item, int, int, error) {
	uid, err := owner(p)
	if err != nil {
		return nil, 0, 0, err
	}
	var all, unread int
	err = s.db.QueryRow(ctx, `SELECT count(*), COALESCE(SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0)
		FROM inbox WHERE user_id = ?`, uid).Scan(&all, &unread)
	if err != nil {
		return nil, 0, 0, errs.Wrap(err, "count inbox")
	}
	where, total := "user_id = ?", all
	if unreadOnly {
		where, total = "user_id = ? AND read_at IS NULL", unread
	}
	limit, offset := auth.Paging(page, perPage)
	out, err := db.All(ctx, s.db, `SELECT id, kind, title, title_code, title_args, body, link, entity, entity_id, created_at, read_at
		FROM inbox WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, []any{uid, limit, offset}, func(sc db.Scanner) (Item, error) {
		var it Item
		var kind, args string
		err := sc.Scan(&it.ID, &kind, &it.written, &it.TitleCode, &args, &it.Body, &it.Link, &it.Entity, &it.EntityID, &it.CreatedAt, &it.ReadAt)
		it.Kind, it.TitleArgs = Kind(kind), texts.ParseArgs(args)
		return it, err
	})
	if err != nil {
		return nil, 0, 0, errs.Wrap(err, "inbox")
	}
	Localize(out, p.Lang)
	return out, total, unread, nil
}

// MarkRead marks some of the caller's notices read. IDs that are not the
// caller's, or already read, are ignored rather than reported, so the call
// reveals nothing about other inboxes. Reading is not audited: it changes
// only the reader's own view.
func (s *Service) MarkRead(ctx context.Context, p *auth.Principal, ids []int64) error {
	uid, err := owner(p)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	if len(ids) > 500 {
		return errs.Invalid("ids", "mark at most 500 notices at a time")
	}
	args := []any{s.clock.Now(), uid}
	for _, id := range ids {
		args = append(args, id)
	}
	_, err = s.db.Exec(ctx, "UPDATE inbox SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id IN ("+marks(len(ids))+")", args...)
	return errs.Wrap(err, "mark read")
}

// MarkAllRead marks every notice of the caller read.
func (s *Service) MarkAllRead(ctx context.Context, p *auth.Principal) error {
	uid, err := owner(p)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, "UPDATE inbox SET read_at = ? WHERE user_id = ? AND read_at IS NULL", s.clock.Now(), uid)
	return errs.Wrap(err, "mark all read")
}

// Done marks read, for every recipient, the unread notices about one record
// (entity and id) whose title is one of codes — all of them when codes is
// nil — in tx: a notice asking for a step is done once someone took it.
func (s *Service) Done(ctx context.Context, tx *db.Tx, entity, entityID string, codes []string) error {
	q, args := "UPDATE inbox SET read_at = ? WHERE entity = ? AND entity_id = ? AND read_at IS NULL", []any{s.clock.Now(), entity, entityID}
	if codes != nil {
		if len(codes) == 0 {
			return nil
		}
		q += " AND title_code IN (" + marks(len(codes)) + ")"
		for _, c := range codes {
			args = append(args, c)
		}
	}
	_, err := tx.Exec(ctx, q, args...)
	return errs.Wrap(err, "mark notices done")
}

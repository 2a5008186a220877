// Package pairing is pairing with people who need care (结对关爱): party
// members paired one-to-one with elderly people living alone, disabled
// people and families in difficulty; the visits and calls the member logs
// from a phone, approved by the residential area's staff (a second person)
// and then counted as verified service (party.RecordService, source
// "pairing"); the on-call requests the cared-for person or a neighbour
// sends through a link that needs no account, with the response time
// measured; and the gap lists: people without a pair, pairs without a
// visit in 30 days.
//
// Personal data is minimal: a name, a building and room, a phone shown
// whole only to the area's staff, no ID numbers.
package pairing

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
)

// Service is the pairing capability on one database.
type Service struct {
	db     *db.DB
	clock  clock.Clock
	notify Notifier // tells of help requests; nil: they are only listed
}

// Notifier writes inbox notices inside the transaction of the change they
// report (notify.Service does).
type Notifier interface {
	Notify(ctx context.Context, tx *db.Tx, n notify.Notice) error
}

// SetNotifier makes a help request reach the inboxes of the person's paired
// members and of the residential area's staff, not only their lists.
func (s *Service) SetNotifier(n Notifier) { s.notify = n }

// NewService returns the pairing service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

// Person is someone who needs care (关爱对象).
type Person struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Name      string     `json:"name"`
	Area      string     `json:"area"`
	Address   string     `json:"address"`
	Phone     string     `json:"phone"` // masked outside the area's staff
	Note      string     `json:"note"`
	HasLink   bool       `json:"has_link"` // an on-call link was made
	Members   []string   `json:"members"`  // the paired members' names
	LastVisit *time.Time `json:"last_visit"`
	CreatedAt time.Time  `json:"created_at"`
	AreaPath  string     `json:"-"`
	phone     string
}

// PersonInput adds or changes a person in care.
type PersonInput struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Area    string `json:"area"` // a residential area code
	Address string `json:"address,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Note    string `json:"note,omitempty"`
}

// PersonFilter narrows a list of people in care.
type PersonFilter struct {
	Area     string
	Kind     string
	Q        string // name contains
	Unpaired bool   // only people without an active pair
	Page     int
	PerPage  int
}

const personCols = `c.id, c.kind, c.name, c.area_code, c.address, c.phone, c.note, c.token_hash IS NOT NULL, c.created_at, c.area_path`

func scanPerson(sc db.Scanner) (Person, error) {
	var c Person
	err := sc.Scan(&c.ID, &c.Kind, &c.Name, &c.Area, &c.Address, &c.phone, &c.Note, &c.HasLink, &c.CreatedAt, &c.AreaPath)
	c.Phone = auth.MaskPhone(c.phone)
	c.Members = []string{}
	return c, err
}

// reveal shows the phone whole to the area's staff.
func reveal(p *auth.Principal, c *Person) {
	if auth.Authorize(p, auth.PairingWrite, c.AreaPath) == nil {
		c.Phone = c.phone
	}
}

func hidden(p *auth.Principal, what string) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	return errs.New(errs.ENOTFOUND, "%s not found", what)
}

func (s *Service) person(ctx context.Context, q db.Querier, id int64) (Person, error) {
	c, err := scanPerson(q.QueryRow(ctx, `SELECT `+personCols+` FROM care_people c WHERE c.id = ?`, id))
	return c, db.NotFound(err, "person in care")
}

// isPaired reports whether p is the user of a member actively paired with person.
func isPaired(ctx context.Context, q db.Querier, p *auth.Principal, person int64) (bool, error) {
	if p == nil || p.UserID == 0 {
		return false, nil
	}
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM care_pairs cp JOIN members m ON m.id = cp.member_id
		WHERE cp.person_id = ? AND cp.ended_at IS NULL AND m.user_id = ?`, person, p.UserID).Scan(&n)
	return n > 0, errs.Wrap(err, "pair")
}

// GetPerson returns one person in care with the paired members: for the
// area's staff (pairing.read), and for a member paired with them.
func (s *Service) GetPerson(ctx context.Context, p *auth.Principal, id int64) (Person, error) {
	c, err := s.person(ctx, s.db, id)
	if err != nil {
		return Person{}, err
	}
	if auth.Authorize(p, auth.PairingRead, c.AreaPath) != nil {
		if ok, err := isPaired(ctx, s.db, p, id); err != nil {
			return Person{}, err
		} else if !ok {
			return Person{}, hidden(p, "person in care")
		}
	}
	reveal(p, &c)
	if err := s.fill(ctx, []*Person{&c}); err != nil {
		return Person{}, err
	}
	return c, nil
}

// fill adds the paired members' names and the last approved visit.
func (s *Service) fill(ctx context.Context, cs []*Person) error {
	for _, c := range cs {
		names, err := db.Strings(ctx, s.db, `SELECT m.name FROM care_pairs cp JOIN members m ON m.id = cp.member_id
			WHERE cp.person_id = ? AND cp.ended_at IS NULL ORDER BY m.name`, c.ID)
		if err != nil {
			return errs.Wrap(err, "paired members")
		}
		if names != nil {
			c.Members = names
		}
		var last maxTime
		if err := s.db.QueryRow(ctx, `SELECT max(l.at) FROM care_logs l JOIN care_pairs cp ON cp.id = l.pair_id
			WHERE cp.person_id = ? AND l.kind = ? AND l.status = ?`, c.ID, KindVisit, Approved).Scan(&last); err != nil {
			return errs.Wrap(err, "last visit")
		}
		c.LastVisit = last.t
	}
	return nil
}

// areaWhere limits w to col in code's subtree; an unknown code is EINVALID.
func (s *Service) areaWhere(ctx context.Context, w *db.Where, col, code string) error {
	if code == "" {
		return nil
	}
	path, err := area.Path(ctx, s.db, code)
	if errs.Code(err) == errs.ENOTFOUND {
		return errs.Invalid("area", "unknown area %q", code)
	} else if err != nil {
		return err
	}
	c, a := area.Subtree(s.db.Dialect, col, path)
	w.And(c, a)
	return nil
}

// People lists people in care in p's scope (pairing.read), by name.
func (s *Service) People(ctx context.Context, p *auth.Principal, f PersonFilter) (db.Listed[Person], error) {
	if err := auth.AuthorizeAny(p, auth.PairingRead); err != nil {
		return db.Listed[Person]{}, err
	}
	var w db.Where
	sc, sa := auth.ScopeSQL(s.db.Dialect, p, auth.PairingRead, "c.area_path")
	w.And(sc, sa...)
	if err := s.areaWhere(ctx, &w, "c.area_path", f.Area); err != nil {
		return db.Listed[Person]{}, err
	}
	if k := strings.TrimSpace(f.Kind); k != "" {
		w.And("c.kind = ?", k)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		w.And(`c.name LIKE ? ESCAPE '\'`, "%"+db.Like(q)+"%")
	}
	if f.Unpaired {
		w.And("NOT EXISTS (SELECT 1 FROM care_pairs cp WHERE cp.person_id = c.id AND cp.ended_at IS NULL)")
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: personCols, From: "care_people c", Where: w, Order: "c.area_code, c.name, c.id", Limit: limit, Offset: offset}, scanPerson)
	if err != nil {
		return l, errs.Wrap(err, "list people in care")
	}
	ps := make([]*Person, len(l.Items))
	for i := range l.Items {
		reveal(p, &l.Items[i])
		ps[i] = &l.Items[i]
	}
	if l.Items == nil {
		l.Items = []Person{}
	}
	return l, s.fill(ctx, ps)
}

func (in *PersonInput) check() error {
	in.Kind, in.Name, in.Area = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Name), strings.TrimSpace(in.Area)
	in.Address, in.Phone, in.Note = strings.TrimSpace(in.Address), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Note)
	var ds []errs.Detail
	switch {
	case in.Kind == "":
		ds = append(ds, errs.D("kind", "choose who needs care, such as 独居老人 or 残疾人"))
	case utf8.RuneCountInString(in.Kind) > maxKind:
		ds = append(ds, errs.D("kind", "a kind is at most %d characters", maxKind))
	}
	switch {
	case in.Name == "":
		ds = append(ds, errs.D("name", "give the person's name"))
	case utf8.RuneCountInString(in.Name) > maxName:
		ds = append(ds, errs.D("name", "a name is at most %d characters", maxName))
	}
	if in.Area == "" {
		ds = append(ds, errs.D("area", "choose the residential area"))
	}
	if utf8.RuneCountInString(in.Address) > maxAddress {
		ds = append(ds, errs.D("address", "an address is a building and room, at most %d characters", maxAddress))
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		ds = append(ds, errs.D("phone", "a phone number is 7 to 20 digits (a mobile is 11)"))
	}
	if utf8.RuneCountInString(in.Note) > maxNote {
		ds = append(ds, errs.D("note", "a note is at most %d characters", maxNote))
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// residential resolves a residential area code the caller writes in.
func residential(ctx context.Context, q db.Querier, p *auth.Principal, code string) (string, error) {
	level, path, err := area.LevelPath(ctx, q, code)
	if errs.Code(err) == errs.ENOTFOUND {
		return "", errs.Invalid("area", "unknown area %q", code)
	} else if err != nil {
		return "", err
	}
	if level != area.Residential {
		return "", errs.Invalid("area", "people in care belong to a residential area (居民区)")
	}
	return path, auth.Authorize(p, auth.PairingWrite, path)
}

// AddPerson adds a person in care (pairing.write on the residential area).
func (s *Service) AddPerson(ctx context.Context, p *auth.Principal, in PersonInput) (Person, error) {
	if err := auth.AuthorizeAny(p, auth.PairingWrite); err != nil {
		return Person{}, err
	}
	if err := in.check(); err != nil {
		return Person{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := residential(ctx, tx, p, in.Area)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		id, err = db.InsertID(ctx, tx, `INSERT INTO care_people (kind, name, area_code, area_path, address, phone, note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Kind, in.Name, in.Area, path, in.Address, in.Phone, in.Note, now, now)
		if err != nil {
			return errs.Wrap(err, "insert person in care")
		}
		in.Phone = auth.MaskPhone(in.Phone)
		return record(ctx, tx, now, p, "create", "care_person", id, path, nil, in)
	})
	if err != nil {
		return Person{}, err
	}
	return s.GetPerson(ctx, p, id)
}

// Link is a person's on-call link, its token shown once when made.
type Link struct {
	PersonID int64  `json:"person_id"`
	Token    string `json:"token"`
}

func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// MakeLink makes (or remakes, voiding the old one) a person's on-call link
// (pairing.write). Only its hash is kept: the token is printed now.
func (s *Service) MakeLink(ctx context.Context, p *auth.Principal, id int64) (Link, error) {
	t := newToken()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.person(ctx, tx, id)
		if err != nil {
			return err
		}
		if auth.Authorize(p, auth.PairingRead, c.AreaPath) != nil {
			return hidden(p, "person in care")
		}
		if err := auth.Authorize(p, auth.PairingWrite, c.AreaPath); err != nil {
			return err
		}
		now := s.clock.Now()
		if _, err := tx.Exec(ctx, "UPDATE care_people SET token_hash = ?, updated_at = ? WHERE id = ?", hashToken(t), now, id); err != nil {
			return errs.Wrap(err, "person link")
		}
		return record(ctx, tx, now, p, "link", "care_person", id, c.AreaPath, nil, nil)
	})
	if err != nil {
		return Link{}, err
	}
	return Link{PersonID: id, Token: t}, nil
}

// record writes the audit row of one change.
func record(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, action, entity string, id int64, path string, before, after any) error {
	return auth.Record(ctx, tx, now, p, auth.Change{Action: action, Entity: entity, EntityID: strconv.FormatInt(id, 10),
		AreaPath: path, Before: before, After: after})
}

// maxTime scans max(a timestamp column): PostgreSQL answers a time, SQLite
// (an aggregate has no declared type) the text the driver wrote.
type maxTime struct{ t *time.Time }

// Scan implements sql.Scanner.
func (m *maxTime) Scan(v any) error {
	var s string
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		m.t = &x
		return nil
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return fmt.Errorf("max time: unexpected %T", v)
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			m.t = &t
			return nil
		}
	}
	return fmt.Errorf("max time: unexpected %q", s)
}

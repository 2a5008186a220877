// Package demand is the demand loop (民情诉求): intake from every channel,
// work orders with SLA clocks and escalation up the area tree, duplicates,
// Chinese search, callback and the three rates (响应率/解决率/满意率).
package demand

import (
	"context"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/jobs"
	"gongzhi/internal/notify"
)

// Channel is how a demand came in.
type Channel string

// Intake channels: the ways residents' opinions are collected.
const (
	Visit   Channel = "visit"   // 走访
	Hotline Channel = "hotline" // 热线
	Online  Channel = "online"  // 网上
	Grid    Channel = "grid"    // 网格巡查
	Meeting Channel = "meeting" // 议事会
	Mailbox Channel = "mailbox" // 信箱
)

// Channels lists every channel.
var Channels = []Channel{Visit, Hotline, Online, Grid, Meeting, Mailbox}

// ValidChannel reports whether c is a known channel.
func ValidChannel(c string) bool {
	for _, x := range Channels {
		if string(x) == c {
			return true
		}
	}
	return false
}

// Demand is one resident demand and its work order.
type Demand struct {
	ID              int64             `json:"id"`
	Category        string            `json:"category"`
	CategoryName    string            `json:"category_name"`
	CategoryNameEN  string            `json:"category_name_en"` // optional English name
	Channel         Channel           `json:"channel"`
	Status          Status            `json:"status"`
	Area            string            `json:"area"`
	AreaName        string            `json:"area_name"`
	AreaNameEN      string            `json:"area_name_en"` // optional English name
	AreaPath        string            `json:"-"`
	Lat             *float64          `json:"lat"`
	Lng             *float64          `json:"lng"`
	Address         string            `json:"address"`
	Description     string            `json:"description"`
	Attributes      map[string]string `json:"attributes,omitempty"`
	Owner           string            `json:"owner"` // area code of the first receiver, who owns it until closed
	Lead            string            `json:"lead"`  // area code of the lead handling body
	LeadUnit        *int64            `json:"lead_unit"`
	CoBodies        []string          `json:"co_bodies"`
	Round           int               `json:"round"`
	Returns         int               `json:"returns"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
	ContactDue      time.Time         `json:"contact_due"`
	ResolveDue      time.Time         `json:"resolve_due"`
	ContactedAt     *time.Time        `json:"contacted_at"`
	ResolvedAt      *time.Time        `json:"resolved_at"`
	ClosedAt        *time.Time        `json:"closed_at"`
	Outcome         string            `json:"outcome"`
	Resolution      string            `json:"resolution"`
	Satisfaction    string            `json:"satisfaction"`
	Solved          *bool             `json:"solved"`
	Overdue         bool              `json:"overdue"`
	EscalationLevel int               `json:"escalation_level"`
	ExtensionDue    *time.Time        `json:"extension_due"`
	ExtensionReason string            `json:"extension_reason"`
	DuplicateOf     *int64            `json:"duplicate_of"`
	Unreasonable    string            `json:"unreasonable"`        // "", pending, approved, refused
	MediaURL        string            `json:"media_url,omitempty"` // a photo link an Open311 client gave; public
	Attachments     []Attachment      `json:"attachments,omitempty"`
	Reporters       []Reporter        `json:"reporters,omitempty"`
	Events          []Event           `json:"events,omitempty"`

	contactLapsed  bool
	unreasonableBy *int64
	searchText     string
}

// Reporter is a resident who raised the demand; a merged group keeps them all.
type Reporter struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`  // masked outside the handling staff
	Phone        string     `json:"phone"` // masked outside the handling staff
	Satisfaction string     `json:"satisfaction"`
	RatedAt      *time.Time `json:"rated_at"`
	OriginalID   int64      `json:"original_id"`
	// ShortCode is this report's short code (查询码) as read out, ABCD-EFGH:
	// only for those who see the reporters in full, who read it out again
	// when a caller rings back.
	ShortCode string `json:"short_code,omitempty"`
}

// Event is one step on the timeline. The system's part of its note is a
// code with arguments (internal/texts) and what a person wrote is Text;
// Note and Actor are both worded for one reader (Localize).
type Event struct {
	ID        int64             `json:"id"`
	At        time.Time         `json:"at"`
	Actor     string            `json:"actor"`      // a member of staff's name, or the kind worded for the reader
	ActorKind string            `json:"actor_kind"` // staff, resident or system
	Action    string            `json:"action"`
	From      Status            `json:"from,omitempty"`
	To        Status            `json:"to,omitempty"`
	Note      string            `json:"note,omitempty"` // NoteCode's sentence then Text, in the reader's language
	NoteCode  string            `json:"note_code,omitempty"`
	NoteArgs  map[string]string `json:"note_args,omitempty"`
	Text      string            `json:"text,omitempty"` // what a person wrote, as written
	Public    bool              `json:"-"`

	actorName string
}

// Notifier tells people about a change inside the transaction that made it,
// so a change and its notices land together or not at all.
type Notifier interface {
	Notify(ctx context.Context, tx *db.Tx, n notify.Notice) error
	Enqueue(ctx context.Context, tx *db.Tx, event string, payload any) error
	// Done marks read the notices about a record whose titles are codes
	// (nil: all), for everyone: the step they asked for was taken.
	Done(ctx context.Context, tx *db.Tx, entity, entityID string, codes []string) error
}

// Service runs the demand capability.
type Service struct {
	db     *db.DB
	clock  clock.Clock
	notify Notifier
	sim    *simIndex
	batch  intakeBatch
	jobs   *jobs.Queue // runs only the demand timers, for RunDue
	probes probeCache  // how common recent searches' words are (list.go)
	// lookups counts wrong tracking look-ups by number (TrackByNumber).
	lookups *auth.Throttle
	// FiguresLag is how old the rates and dashboard figures served may be
	// (figures.go); 0, the default, computes them on every read.
	FiguresLag time.Duration
	figures    figureCache
}

// NewService returns the demand service.
func NewService(d *db.DB, c clock.Clock, n Notifier) *Service {
	s := &Service{db: d, clock: c, notify: n, sim: &simIndex{}, lookups: auth.NewThrottle(c, LookupWindow)}
	s.jobs = jobs.New(d, c, nil)
	s.jobs.Workers = 1 // in the order they fall due, as a person would read them
	s.RegisterJobs(s.jobs)
	return s
}

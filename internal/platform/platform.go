// Package platform is the set of services every surface (pages, JSON API)
// is built on. The app builds it once; web.Deps and api.Deps embed it, so a
// new capability adds its service here and in app's capability list, and
// neither surface's constructor changes.
package platform

import (
	"log/slog"

	"gongzhi/internal/activity"
	"gongzhi/internal/alliance"
	"gongzhi/internal/auth"
	"gongzhi/internal/booking"
	"gongzhi/internal/cadre"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/delib"
	"gongzhi/internal/demand"
	"gongzhi/internal/fund"
	"gongzhi/internal/hotspot"
	"gongzhi/internal/jobs"
	"gongzhi/internal/lists"
	"gongzhi/internal/notify"
	"gongzhi/internal/org"
	"gongzhi/internal/pairing"
	"gongzhi/internal/party"
	"gongzhi/internal/phone"
	"gongzhi/internal/points"
	"gongzhi/internal/suggest"
	"gongzhi/internal/survey"
)

// Services are the shared parts and the capabilities' services.
type Services struct {
	DB     *db.DB
	Auth   *auth.Service
	Clock  clock.Clock
	Logger *slog.Logger
	// Jobs is the server's one job queue; nil: a queue on DB that only lists
	// and changes jobs (tests, tools).
	Jobs *jobs.Queue

	Org     *org.Service     // areas, units, party organisations, coverage
	Notify  *notify.Service  // the staff inbox, webhooks and e-mail
	Demand  *demand.Service  // the demand loop (民情诉求), visits, categories, calendar
	Lists   *lists.Service   // needs, resources, matches and service projects (三张清单)
	Booking *booking.Service // bookings of venue resources
	Fund    *fund.Service    // the community fund's ledger
	Suggest *suggest.Service // intake assistance: likely category and body of a description
	Delib   *delib.Service   // deliberation: topics and secret, verifiable votes (自治协商)
	Hotspot *hotspot.Service // hot spots against each place's baseline, monthly topics and their effect (未诉先办)

	Party    *party.Service    // party members, dual reporting and its follow-up (党员, 双报到)
	Pairing  *pairing.Service  // party members paired with people who need care, their visits and on-call requests (结对关爱)
	Activity *activity.Service // activities: sign-up, waitlist, QR check-in (活动)
	Councils *delib.Councils   // councils, meetings and their decisions; an area's public page (议事会)
	Points   *points.Service   // party members' points from verified work only (党员积分制)
	Cadre    *cadre.Service    // secretaries and young cadres: training, yearly evaluation, mentoring pairs (干部)
	Survey   *survey.Service   // residents' evaluation of their committee (居委会测评)
	Alliance *alliance.Service // alliances, their members and commitments (三联盟)
	Phone    *phone.Service    // residents taking part by a verified phone, and the residents' phone rolls (用手机号参与)
}

// WithDefaults fills what tests and tools may leave out: a real clock, a
// discarding logger and a queue that only lists and changes jobs.
func (s Services) WithDefaults() Services {
	if s.Clock == nil {
		s.Clock = clock.Real{}
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Jobs == nil && s.DB != nil {
		s.Jobs = jobs.New(s.DB, s.Clock, s.Logger)
	}
	// Capabilities that stand on the database alone, so tests of other
	// surfaces need not build them.
	if s.DB != nil {
		if s.Lists == nil {
			s.Lists = lists.NewService(s.DB, s.Clock)
		}
		if s.Booking == nil {
			s.Booking = booking.NewService(s.DB, s.Clock)
		}
		if s.Fund == nil {
			s.Fund = fund.NewService(s.DB, s.Clock)
		}
		if s.Suggest == nil {
			s.Suggest = suggest.NewService(s.DB, s.Clock)
		}
		if s.Delib == nil {
			s.Delib = delib.NewService(s.DB, s.Clock)
			if s.Notify != nil {
				s.Delib.SetNotifier(s.Notify)
			}
		}
		if s.Councils == nil {
			s.Councils = delib.NewCouncils(s.DB, s.Clock, s.Lists, s.Demand)
		}
		if s.Hotspot == nil {
			s.Hotspot = hotspot.NewService(s.DB, s.Clock, s.Lists)
		}
		if s.Party == nil {
			s.Party = party.NewService(s.DB, s.Clock)
		}
		if s.Pairing == nil {
			s.Pairing = pairing.NewService(s.DB, s.Clock)
			if s.Notify != nil {
				s.Pairing.SetNotifier(s.Notify)
			}
		}
		if s.Activity == nil {
			s.Activity = activity.NewService(s.DB, s.Clock, s.Notify)
		}
		if s.Cadre == nil {
			s.Cadre = cadre.NewService(s.DB, s.Clock)
		}
		if s.Points == nil {
			s.Points = points.NewService(s.DB, s.Clock)
		}
		if s.Survey == nil {
			s.Survey = survey.NewService(s.DB, s.Clock)
			if s.Notify != nil {
				s.Survey.SetSMS(s.Notify)
			}
		}
		if s.Alliance == nil {
			s.Alliance = alliance.NewService(s.DB, s.Clock)
		}
		if s.Phone == nil {
			var q phone.SMSQueue // none without the notify service (a nil pointer is no queue)
			if s.Notify != nil {
				q = s.Notify
			}
			s.Phone = phone.NewService(s.DB, s.Clock, q)
		}
	}
	return s
}

package app

import (
	"context"
	"gongzhi/internal/activity"
	"gongzhi/internal/alliance"
	"gongzhi/internal/booking"
	"gongzhi/internal/cadre"
	"gongzhi/internal/delib"
	"gongzhi/internal/demand"
	"gongzhi/internal/fund"
	"gongzhi/internal/hotspot"
	"gongzhi/internal/lists"
	"gongzhi/internal/notify"
	"gongzhi/internal/org"
	"gongzhi/internal/pairing"
	"gongzhi/internal/party"
	"gongzhi/internal/phone"
	"gongzhi/internal/platform"
	"gongzhi/internal/points"
	"gongzhi/internal/suggest"
	"gongzhi/internal/survey"
)

// capability is one capability's wiring in the server: open builds its
// service on the shared parts (m.DB, m.Clock, m.Jobs, the services before
// it) and registers the jobs it runs; serve, if set, finishes what needs the
// serving configuration (the mailer for e-mail). Its pages and endpoints are
// sections of web and api (routes_<name>.go there) and its demo data a step
// of internal/demo. A new capability adds its service to platform.Services,
// to services below and one entry here: web.New and api.New do not change.
type capability struct {
	name  string
	open  func(m *Main)
	serve func(m *Main, mailer notify.Mailer)
}

// capabilities are the server's capabilities, in the order they are built:
// each may use those before it.
func capabilities() []capability {
	return []capability{
		{name: "org", open: func(m *Main) { m.Org = org.NewService(m.DB, m.Clock) }},
		{name: "notify",
			open: func(m *Main) {
				m.Notify = notify.NewService(m.DB, m.Clock, notify.Options{BaseURL: m.Config.BaseURL, Email: m.Config.SMTPEnabled(), Targets: m.Config.WebhookTargets(),
					SMS: m.Config.SMS.Enabled()})
			},
			serve: func(m *Main, mailer notify.Mailer) {
				notify.NewDispatcher(m.DB, m.Clock, m.Config.WebhookTargets(), mailer, m.Logger).Register(m.Jobs)
				if m.Config.SMS.Enabled() {
					notify.NewSMSSender(m.DB, m.Clock, m.Config.SMS, m.Logger).Register(m.Jobs)
				}
			}},
		{name: "demand", open: func(m *Main) {
			m.Demand = demand.NewService(m.DB, m.Clock, m.Notify)
			m.Demand.FiguresLag = m.Config.FiguresLag
			m.Demand.RegisterJobs(m.Jobs)
		},
			serve: func(m *Main, _ notify.Mailer) {
				// Reports whose code the migration's random draw repeated get their own.
				if n, err := m.Demand.FillShortCodes(context.Background()); err != nil {
					m.Logger.Error("demand short codes", "err", err)
				} else if n > 0 {
					m.Logger.Info("demand short codes", "added", n)
				}
			}},
		{name: "lists", open: func(m *Main) { m.Lists = lists.NewService(m.DB, m.Clock) },
			serve: func(m *Main, _ notify.Mailer) {
				// Records written before the shared index served the lists (an upgrade) become findable.
				if n, err := m.Lists.IndexMissing(context.Background()); err != nil {
					m.Logger.Error("lists search index", "err", err)
				} else if n > 0 {
					m.Logger.Info("lists search index", "added", n)
				}
			}},
		{name: "booking", open: func(m *Main) {
			m.Booking = booking.NewService(m.DB, m.Clock)
			m.Booking.RegisterJobs(m.Jobs)
		}},
		{name: "fund", open: func(m *Main) { m.Fund = fund.NewService(m.DB, m.Clock) }},
		{name: "suggest", open: func(m *Main) {
			m.Suggest = suggest.NewService(m.DB, m.Clock)
			m.Suggest.RegisterJobs(m.Jobs)
		},
			serve: func(m *Main, _ notify.Mailer) {
				// The first model at start, beside serving (a district's history trains in seconds); the daily job retrains it.
				m.background.Go(func() {
					if err := m.Suggest.Train(context.Background()); err != nil {
						m.Logger.Error("intake suggestions", "err", err)
					}
				})
			}},
		{name: "delib", open: func(m *Main) {
			m.Delib = delib.NewService(m.DB, m.Clock)
			m.Delib.SetNotifier(m.Notify) // the answer job tells the parent area's staff
			m.Delib.RegisterJobs(m.Jobs)
		}},
		{name: "hotspot", open: func(m *Main) {
			m.Hotspot = hotspot.NewService(m.DB, m.Clock, m.Lists)
			m.Hotspot.RegisterJobs(m.Jobs)
		}},
		{name: "party", open: func(m *Main) { m.Party = party.NewService(m.DB, m.Clock) }},
		{name: "pairing", open: func(m *Main) {
			m.Pairing = pairing.NewService(m.DB, m.Clock)
			m.Pairing.SetNotifier(m.Notify) // help requests reach the inboxes of the paired members and the area's staff
		}},
		{name: "cadre", open: func(m *Main) { m.Cadre = cadre.NewService(m.DB, m.Clock) }},
		{name: "activity", open: func(m *Main) {
			m.Activity = activity.NewService(m.DB, m.Clock, m.Notify)
			m.Activity.RegisterJobs(m.Jobs)
		}},
		{name: "points", open: func(m *Main) {
			m.Points = points.NewService(m.DB, m.Clock)
			m.Points.RegisterJobs(m.Jobs)
		}},
		{name: "survey", open: func(m *Main) {
			m.Survey = survey.NewService(m.DB, m.Clock)
			m.Survey.SetSMS(m.Notify) // links by text message where a gateway and --base-url are set
			m.Survey.RegisterJobs(m.Jobs)
		}},
		{name: "alliance", open: func(m *Main) { m.Alliance = alliance.NewService(m.DB, m.Clock) }},
		// One service for the web pages and the API, so they share the per-address limit on codes.
		{name: "phone", open: func(m *Main) {
			m.Phone = phone.NewService(m.DB, m.Clock, m.Notify)
			m.Phone.RegisterJobs(m.Jobs) // a nightly purge of old codes and ended sessions
		}},
		// Scheduled backups (--backup-dir, --backup-every): a periodic job (backupjob.go).
		{name: "backup", open: func(*Main) {}, serve: func(m *Main, _ notify.Mailer) { m.startBackups(context.Background()) }},
	}
}

// services is what the web pages and the API are built on.
func (m *Main) services() platform.Services {
	return platform.Services{DB: m.DB, Auth: m.Auth, Clock: m.Clock, Logger: m.Logger, Jobs: m.Jobs,
		Org: m.Org, Notify: m.Notify, Demand: m.Demand, Lists: m.Lists, Booking: m.Booking, Fund: m.Fund, Suggest: m.Suggest, Delib: m.Delib, Hotspot: m.Hotspot,
		Party: m.Party, Pairing: m.Pairing, Activity: m.Activity, Points: m.Points, Cadre: m.Cadre, Survey: m.Survey, Alliance: m.Alliance, Phone: m.Phone}
}

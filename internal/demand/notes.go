package demand

import (
	"cmp"
	"strconv"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/texts"
)

// The kinds of actor on the timeline. Staff are named; residents and the
// system are worded in the reader's language.
const (
	ActorStaff    = "staff"
	ActorResident = "resident" // 居民, filing or rating without an account
	ActorSystem   = "system"   // 系统: timers (overdue, 督办)
)

// actor is who took a step.
type actor struct {
	id   int64
	name string
	kind string
}

var systemActor = actor{kind: ActorSystem}

// actorOf is the actor behind p: a member of staff, or a resident when
// there is no account (p nil, or the tracking link's stand-in principal).
func actorOf(p *auth.Principal) actor {
	if p == nil || p.UserID == 0 {
		return actor{kind: ActorResident}
	}
	// The timeline names people as colleagues know them, not by login.
	return actor{id: p.UserID, name: cmp.Or(p.DisplayName, p.Name()), kind: ActorStaff}
}

// The system's sentences on the timeline, built here for the services and
// the demo alike (internal/texts words them).

// ReceivedNote says which channel a demand came in by.
func ReceivedNote(c Channel) texts.Text { return texts.New("note.received", "channel", string(c)) }

// ExtensionRequestNote says until when an extension was asked for.
func ExtensionRequestNote(due time.Time) texts.Text {
	return texts.New("note.extension_requested", "due", texts.Time(due))
}

// ExtensionAnswerNote says whether an extension was granted, and until when.
func ExtensionAnswerNote(approved bool, due time.Time) texts.Text {
	if !approved {
		return texts.New("note.extension_refused")
	}
	return texts.New("note.extension_approved", "due", texts.Time(due))
}

// MergedIntoNote is the merged demand's step: it lives on as target.
func MergedIntoNote(target int64) texts.Text {
	return texts.New("note.merged_into", "id", texts.Int(target))
}

// MergedFromNote is the surviving demand's step: it took in merged.
func MergedFromNote(merged int64) texts.Text {
	return texts.New("note.merged_from", "id", texts.Int(merged))
}

// OverdueNote says which deadline was missed: "contact" or "resolve".
func OverdueNote(step string) texts.Text { return texts.New("note.overdue_" + step) }

// EscalationNote says how far up 督办 has gone.
func EscalationNote(level int) texts.Text {
	return texts.New("note.escalated", "level", texts.Int(level))
}

// AttachNote says how many photos and other files were added, without
// their names: a name can carry personal data, and after a merge other
// reporters read the public timeline.
func AttachNote(photos, files int) texts.Text {
	switch {
	case photos > 0 && files > 0:
		return texts.New("note.attached_both", "photos", texts.Int(photos), "files", texts.Int(files))
	case photos > 0:
		return texts.New("note.attached_photos", "photos", texts.Int(photos))
	}
	return texts.New("note.attached_files", "files", texts.Int(files))
}

// noticeTitle is an inbox notice's title about demand d.
func noticeTitle(code string, d *Demand) texts.Text {
	return texts.New(code, "id", strconv.FormatInt(d.ID, 10))
}

// InLang words d for a reader of lang, for pages: the English names of its
// category and area when lang is English and they are set, and its timeline.
func (d *Demand) InLang(lang string) {
	if texts.Lang(lang) == texts.EN {
		d.CategoryName = cmp.Or(d.CategoryNameEN, d.CategoryName)
		d.AreaName = cmp.Or(d.AreaNameEN, d.AreaName)
	}
	Localize(d.Events, lang)
}

// InLang words t for a reader of lang, as Demand.InLang does.
func (t *Tracked) InLang(lang string) {
	if texts.Lang(lang) == texts.EN {
		t.CategoryName = cmp.Or(t.CategoryNameEN, t.CategoryName)
		t.AreaName = cmp.Or(t.AreaNameEN, t.AreaName)
	}
	Localize(t.Events, lang)
}

// Localize words events for a reader of lang: each note is the system's
// sentence followed by what a person wrote, and residents and the system
// are named by kind. Pages and the API call it with the reader's language;
// the service itself words them in Chinese.
func Localize(evs []Event, lang string) {
	for i := range evs {
		e := &evs[i]
		e.Note = texts.Join(texts.Render(lang, e.NoteCode, e.NoteArgs), e.Text)
		e.Actor = e.actorName
		if e.ActorKind != ActorStaff || e.actorName == "" {
			e.Actor = texts.Render(lang, "actor."+e.ActorKind, nil)
		}
	}
}

package api

import (
	"net/http"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
)

// inboxJSON is a page of the caller's inbox (站内信) with the unread count
// for the badge.
type inboxJSON struct {
	list[notify.Item]
	Unread int `json:"unread"`
}

// listInbox serves GET /inbox[?unread=true]: the caller's own notices,
// newest first. Nobody reads anyone else's inbox, so no scope applies.
func (s *server) listInbox(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	unread, err := optBool(r, "unread")
	if err != nil {
		return err
	}
	items, total, n, err := s.Notify.Inbox(r.Context(), p, unread != nil && *unread, pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	if items == nil {
		items = []notify.Item{}
	}
	notify.Localize(items, readerLang(r, p))
	writeJSON(w, http.StatusOK, inboxJSON{list: list[notify.Item]{Items: items, Total: total, Page: pg.Page, PerPage: pg.PerPage}, Unread: n})
	return nil
}

// unreadJSON answers POST /inbox/read: the unread count left.
type unreadJSON struct {
	Unread int `json:"unread"`
}

// readInput is the body of POST /inbox/read: some notices, or all of them.
type readInput struct {
	IDs []int64 `json:"ids"`
	All bool    `json:"all"`
}

// markRead serves POST /inbox/read. Ids that are not the caller's are
// ignored, so the call tells nothing of other inboxes. It answers the
// number still unread.
func (s *server) markRead(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in readInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	switch {
	case in.All && len(in.IDs) > 0:
		return errs.Invalid("ids", "send ids or all, not both")
	case in.All:
		if err := s.Notify.MarkAllRead(r.Context(), p); err != nil {
			return err
		}
	case len(in.IDs) == 0:
		return errs.Invalid("ids", "ids is required: the notices to mark read (or send \"all\": true)")
	default:
		if err := s.Notify.MarkRead(r.Context(), p, in.IDs); err != nil {
			return err
		}
	}
	_, _, unread, err := s.Notify.Inbox(r.Context(), p, true, 1, 1)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, unreadJSON{Unread: unread})
	return nil
}

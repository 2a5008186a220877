package api

import (
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
)

// Webhooks send every subscribed event of the district to an outside system
// (HMAC-signed, retried with backoff); only the district administrator
// manages them. The signing secret is shown when made and never again.

// webhookSecret is a webhook with its new secret, as creation and rotation
// answer; lists show only secret_prefix.
type webhookSecret struct {
	notify.Webhook
	Secret string `json:"secret"`
}

// redeliveryJSON answers POST /webhook-deliveries/{id}/redeliver.
type redeliveryJSON struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

// webhookInput is the body of POST /webhooks.
type webhookInput struct {
	URL    string   `json:"url"`
	Events []string `json:"events"` // demand.dispatched, demand.*, or * (the default)
}

// webhookPatch is the body of PATCH /webhooks/{id}; absent fields stay.
type webhookPatch struct {
	URL    *string   `json:"url"`
	Events *[]string `json:"events"`
	Active *bool     `json:"active"`
}

// listWebhooks serves GET /webhooks.
func (s *server) listWebhooks(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	hooks, err := s.Notify.Webhooks(r.Context(), p)
	if err != nil {
		return err
	}
	writeList(w, pageOf(hooks, pg), len(hooks), pg)
	return nil
}

// createWebhook serves POST /webhooks: 201 with the secret, shown this once.
func (s *server) createWebhook(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in webhookInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := auth.AuthorizeAny(p, auth.UserAdmin); err != nil {
		return err
	}
	secret, hook, err := s.Notify.CreateWebhook(r.Context(), p, notify.NewWebhook{URL: in.URL, Events: in.Events})
	if err != nil {
		return err
	}
	created(w, Prefix+"/webhooks/"+strconv.FormatInt(hook.ID, 10), webhookSecret{Webhook: hook, Secret: secret})
	return nil
}

// updateWebhook serves PATCH /webhooks/{id}.
func (s *server) updateWebhook(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "webhook")
	if err != nil {
		return err
	}
	var in webhookPatch
	if err := decode(w, r, &in); err != nil {
		return err
	}
	hook, err := s.Notify.UpdateWebhook(r.Context(), p, id, notify.WebhookUpdate{URL: in.URL, Events: in.Events, Active: in.Active})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hook)
	return nil
}

// deleteWebhook serves DELETE /webhooks/{id}, with its delivery log.
func (s *server) deleteWebhook(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "webhook")
	if err != nil {
		return err
	}
	if err := s.Notify.DeleteWebhook(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// rotateWebhook serves POST /webhooks/{id}/rotate: a new secret, shown this
// once; the old one stops signing at once.
func (s *server) rotateWebhook(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "webhook")
	if err != nil {
		return err
	}
	if err := decodeOptional(w, r, &struct{}{}); err != nil {
		return err
	}
	secret, err := s.Notify.RotateWebhookSecret(r.Context(), p, id)
	if err != nil {
		return err
	}
	hooks, err := s.Notify.Webhooks(r.Context(), p)
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if h.ID == id {
			writeJSON(w, http.StatusOK, webhookSecret{Webhook: h, Secret: secret})
			return nil
		}
	}
	return errs.New(errs.ENOTFOUND, "webhook not found")
}

// listDeliveries serves GET /webhooks/{id}/deliveries: the delivery log,
// newest first.
func (s *server) listDeliveries(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "webhook")
	if err != nil {
		return err
	}
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	items, total, err := s.Notify.Deliveries(r.Context(), p, id, pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	writeList(w, items, total, pg)
	return nil
}

// redeliver serves POST /webhook-deliveries/{id}/redeliver: a failed (or
// delivered) delivery is queued again with fresh attempts; 202 because the
// dispatcher sends it later. A pending one is 409.
func (s *server) redeliver(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "delivery")
	if err != nil {
		return err
	}
	if err := decodeOptional(w, r, &struct{}{}); err != nil {
		return err
	}
	if err := s.Notify.Redeliver(r.Context(), p, id); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, redeliveryJSON{ID: id, Status: "pending"})
	return nil
}

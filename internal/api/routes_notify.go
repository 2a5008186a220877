package api

import (
	"gongzhi/internal/notify"
)

// notifyRoutes are the endpoints of the staff inbox and webhooks.
func notifyRoutes() []route {
	return []route{
		{Route{Method: "GET", Path: "/inbox", Op: Op{ID: "listInbox", Tag: "inbox",
			Summary: "The caller's own notices, newest first.",
			Params: []Param{
				{Name: "unread", Desc: "true: only unread notices.", Schema: `{"type":"boolean"}`},
				{Ref: "page"},
				{Ref: "per_page"},
			},
			Resps: []Resp{{Status: 200, Desc: "One page of notices and the unread count.", Type: typeOf[inboxJSON]()}},
			Errs:  []int{400}}}, (*server).listInbox},
		{Route{Method: "POST", Path: "/inbox/read", Op: Op{ID: "markInboxRead", Tag: "inbox",
			Summary: "Mark some of the caller's notices read, or all of them.",
			Body:    &Body{Type: typeOf[readInput]()},
			Resps:   []Resp{{Status: 200, Desc: "How many remain unread.", Type: typeOf[unreadJSON]()}},
			Errs:    []int{400, 413}}}, (*server).markRead},
		{Route{Method: "GET", Path: "/webhooks", Op: Op{ID: "listWebhooks", Tag: "webhooks",
			Summary: "Every webhook endpoint; secrets are never listed. District admin only.",
			Params: []Param{
				{Ref: "page"},
				{Ref: "per_page"},
			},
			Resps: []Resp{{Status: 200, Desc: "One page of endpoints.", Type: typeOf[list[notify.Webhook]]()}},
			Errs:  []int{400, 403}}}, (*server).listWebhooks},
		{Route{Method: "POST", Path: "/webhooks", Op: Op{ID: "createWebhook", Tag: "webhooks",
			Summary: "Add an endpoint; its signing secret is shown this once. District admin only.",
			Desc:    "Each delivery is a POST of {\"event\",\"occurred_at\",\"data\"} signed with HMAC-SHA256 over the body under the secret, retried with backoff.",
			Body:    &Body{Type: typeOf[webhookInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The endpoint and its secret.", Type: typeOf[webhookSecret](), Location: true}},
			Errs:    []int{400, 403, 413}}}, (*server).createWebhook},
		{Route{Method: "PATCH", Path: "/webhooks/{id}", Op: Op{ID: "updateWebhook", Tag: "webhooks",
			Summary: "Change an endpoint's URL, events or whether it is active. District admin only.",
			Body:    &Body{Type: typeOf[webhookPatch]()},
			Resps:   []Resp{{Status: 200, Desc: "The endpoint after the change.", Type: typeOf[notify.Webhook]()}},
			Errs:    []int{400, 403, 404, 413}}}, (*server).updateWebhook},
		{Route{Method: "DELETE", Path: "/webhooks/{id}", Op: Op{ID: "deleteWebhook", Tag: "webhooks",
			Summary: "Remove an endpoint and its delivery log. District admin only.",
			Resps:   []Resp{{Status: 204, Desc: "Deleted."}},
			Errs:    []int{403, 404}}}, (*server).deleteWebhook},
		{Route{Method: "POST", Path: "/webhooks/{id}/rotate", Op: Op{ID: "rotateWebhookSecret", Tag: "webhooks",
			Summary: "Give an endpoint a new secret, shown this once; the old one stops at once. District admin only.",
			Body:    &Body{Type: typeOf[noFields](), Desc: "Nothing, or {}.", Optional: true},
			Resps:   []Resp{{Status: 200, Desc: "The endpoint and its new secret.", Type: typeOf[webhookSecret]()}},
			Errs:    []int{400, 403, 404, 413}}}, (*server).rotateWebhook},
		{Route{Method: "GET", Path: "/webhooks/{id}/deliveries", Op: Op{ID: "listWebhookDeliveries", Tag: "webhooks",
			Summary: "An endpoint's delivery log, newest first. District admin only.",
			Params: []Param{
				{Ref: "page"},
				{Ref: "per_page"},
			},
			Resps: []Resp{{Status: 200, Desc: "One page of deliveries.", Type: typeOf[list[notify.Delivery]]()}},
			Errs:  []int{400, 403, 404}}}, (*server).listDeliveries},
		{Route{Method: "POST", Path: "/webhook-deliveries/{id}/redeliver", Op: Op{ID: "redeliverWebhook", Tag: "webhooks",
			Summary: "Queue a failed (or delivered) delivery again with fresh attempts. District admin only.",
			Desc:    "409 while the delivery is still pending.",
			Body:    &Body{Type: typeOf[noFields](), Desc: "Nothing, or {}.", Optional: true},
			Resps:   []Resp{{Status: 202, Desc: "Queued; the dispatcher sends it.", Type: typeOf[redeliveryJSON]()}},
			Errs:    []int{400, 403, 404, 409, 413}}}, (*server).redeliver},
	}
}

package api

import (
	"gongzhi/internal/delib"
	"gongzhi/internal/phone"
)

// phoneRoutes are taking part with a phone (用手机号参与): staff keep the
// residents' phone roll (居民手机名册) of their residential areas; a resident
// with no account verifies a phone by a texted code and, with the session
// token in X-Phone-Session, lists, raises and supports the topics of the
// areas whose roll holds the phone. Phones travel in bodies only, never in
// paths (proxies log paths).
func phoneRoutes() []route {
	page := []Param{{Ref: "page"}, {Ref: "per_page"}}
	session := Param{Name: "X-Phone-Session", In: "header", Required: true, Desc: "The token POST /phone/verify answered."}
	return []route{
		{Route{Method: "GET", Path: "/resident-phones", Op: Op{ID: "listResidentPhones", Tag: "phone",
			Summary: "The residents' phone roll in the caller's scope (delib.read), phones masked, by area and household.",
			Params:  append([]Param{{Name: "area", Desc: "Only this area's subtree (unknown: 400)."}}, page...),
			Resps:   []Resp{{Status: 200, Desc: "One page of the roll.", Type: typeOf[list[phone.Entry]]()}},
			Errs:    []int{400, 403}}}, (*server).listResidentPhones},
		{Route{Method: "POST", Path: "/resident-phones", Op: Op{ID: "addResidentPhone", Tag: "phone",
			Summary: "Put a mobile number on a residential area's roll (delib.write there); on it already: 409.",
			Body:    &Body{Type: typeOf[phone.EntryInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The entry, phone masked.", Type: typeOf[phone.Entry]()}},
			Errs:    []int{400, 403, 409, 413}}}, (*server).addResidentPhone},
		{Route{Method: "POST", Path: "/resident-phones/remove", Op: Op{ID: "removeResidentPhone", Tag: "phone",
			Summary: "Take a mobile number off a residential area's roll (delib.write there): it loses the area at once. The number is in the body, never in a path.",
			Body:    &Body{Type: typeOf[removePhoneBody]()},
			Resps:   []Resp{{Status: 204, Desc: "Taken off."}},
			Errs:    []int{400, 403, 404, 413}}}, (*server).removeResidentPhone},
		{Route{Method: "POST", Path: "/resident-phones/import", Op: Op{ID: "importResidentPhones", Tag: "phone",
			Summary: "Import a residential area's roll from CSV or XLSX (delib.write there): column A the mobile number, column B the household (optional), a header row allowed; every row or none.",
			Desc:    "Bad cells give 400 naming the row and column (details). Numbers on the roll already are counted in already, their household updated when the file gives one.",
			Params: []Param{{Name: "area", Required: true, Desc: "The residential area's code."},
				{Name: "filename", Desc: "Name of the file sent as the raw body; its extension (.csv, .xlsx) picks the format."}},
			Body:  &Body{Multipart: `{"type":"object","required":["file"],"properties":{"file":{"type":"string","format":"binary"}}}`, Files: []string{"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream"}},
			Resps: []Resp{{Status: 200, Desc: "What was imported.", Type: typeOf[phone.ImportResult]()}},
			Errs:  []int{400, 403, 413}}}, (*server).importResidentPhones},
		{Route{Method: "POST", Path: "/phone/code", Public: true, Op: Op{ID: "sendPhoneCode", Tag: "phone",
			Summary: "Text a 6-digit sign-in code to a mainland mobile number, no token. A number on no roll is answered alike and texted nothing.",
			Desc:    "One code a minute and 5 a day per number, 20 an hour per client address (429). Without an SMS gateway: 422 EUNAVAILABLE.",
			Body:    &Body{Type: typeOf[phoneCodeBody]()},
			Resps:   []Resp{{Status: 200, Desc: "Sent, if the number is on a roll.", Type: typeOf[phone.Sent]()}},
			Errs:    []int{400, 413, 422, 429}}}, (*server).sendPhoneCode},
		{Route{Method: "POST", Path: "/phone/verify", Public: true, Op: Op{ID: "verifyPhone", Tag: "phone",
			Summary: "Check the texted code, no token: the session token, valid 7 days, to send as X-Phone-Session.",
			Desc:    "A wrong code is 400 on field code with the tries left (5 in all); a used, expired or too often tried code asks for a new one.",
			Body:    &Body{Type: typeOf[phoneVerifyBody]()},
			Resps:   []Resp{{Status: 200, Desc: "The session.", Type: typeOf[phone.Session]()}},
			Errs:    []int{400, 413}}}, (*server).verifyPhone},
		{Route{Method: "GET", Path: "/phone/topics", Public: true, Op: Op{ID: "listPhoneTopics", Tag: "phone",
			Summary: "The topics of the verified phone's areas (and the areas holding them), open, on the agenda or answered, newest first.",
			Params:  append([]Param{session, {Name: "mine", Desc: "true: only those the phone raised.", Schema: `{"type":"boolean"}`}}, page...),
			Resps:   []Resp{{Status: 200, Desc: "One page of topics.", Type: typeOf[list[delib.Topic]]()}},
			Errs:    []int{400, 401, 403}}}, (*server).listPhoneTopics},
		{Route{Method: "POST", Path: "/phone/topics", Public: true, Op: Op{ID: "raisePhoneTopic", Tag: "phone",
			Summary: "Raise a topic as the verified phone, in an area of its roll or one holding it; raised by the masked phone.",
			Params:  []Param{session},
			Body:    &Body{Type: typeOf[phoneTopicBody]()},
			Resps:   []Resp{{Status: 201, Desc: "The topic.", Type: typeOf[delib.Topic]()}},
			Errs:    []int{400, 401, 403, 413}}}, (*server).raisePhoneTopic},
		{Route{Method: "POST", Path: "/phone/topics/{id}/support", Public: true, Op: Op{ID: "supportPhoneTopic", Tag: "phone",
			Summary: "Support a topic of the phone's areas, once; the support reaching the threshold puts it on the agenda. Twice, or where the account with this phone supports, is 409; outside the phone's areas 403.",
			Params:  []Param{session, {Name: "id", In: "path", Desc: "The topic's id."}},
			Body:    &Body{Type: typeOf[noFields](), Desc: "Nothing, or {}.", Optional: true},
			Resps:   []Resp{{Status: 200, Desc: "The topic.", Type: typeOf[delib.Topic]()}},
			Errs:    []int{401, 403, 404, 409, 413}}}, (*server).supportPhoneTopic},
		{Route{Method: "POST", Path: "/phone/topics/{id}/comments", Public: true, Op: Op{ID: "commentPhoneTopic", Tag: "phone",
			Summary: "Comment on a topic of the phone's areas while it is open or on the agenda, in plain text (at most 1000 characters), named by the masked phone; staff moderate it like any comment. Answered or closed: 409; outside the phone's areas: 404.",
			Params:  []Param{session, {Name: "id", In: "path", Desc: "The topic's id."}},
			Body:    &Body{Type: typeOf[commentText]()},
			Resps:   []Resp{{Status: 201, Desc: "The comment.", Type: typeOf[delib.Comment]()}},
			Errs:    []int{400, 401, 404, 409, 413}}}, (*server).commentPhoneTopic},
	}
}

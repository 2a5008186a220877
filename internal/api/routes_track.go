package api

// trackRoutes are the endpoints of residents' tracking links, without a bearer token.
func trackRoutes() []route {
	return []route{
		{Route{Method: "GET", Path: "/track/{token}", Public: true, Op: Op{ID: "track", Tag: "track",
			Summary: "The resident's tracking link: progress without an account and without personal data.",
			Resps:   []Resp{{Status: 200, Desc: "The demand as the resident sees it (after a merge, the surviving demand).", Type: typeOf[trackedJSON]()}},
			Errs:    []int{404}}}, (*server).track},
		{Route{Method: "POST", Path: "/track/lookup", Public: true, Op: Op{ID: "trackLookup", Tag: "track",
			Summary: "For a resident without the link: a demand by its number and the last four digits of the phone it was reported with, or by its short code alone.",
			Desc:    "Answers what the link shows but without attachments and with can_rate false: rating and files stay with the link. Give number and phone_last4, or code (the short code 查询码 read out or texted after filing, like ABCD-EFGH; case, spaces and dashes do not matter). A wrong number, wrong digits and an unknown code all answer 404; five wrong tries on a number, or ten from one address (numbers and codes together), within 15 minutes answer 429 with Retry-After.",
			Body:    &Body{Type: typeOf[lookupBody]()},
			Resps:   []Resp{{Status: 200, Desc: "The demand as the resident sees it.", Type: typeOf[trackedJSON]()}},
			Errs:    []int{400, 404, 413, 429}}}, (*server).trackLookup},
		{Route{Method: "POST", Path: "/track/{token}/rate", Public: true, Op: Op{ID: "rate", Tag: "track",
			Summary: "The resident rates the resolved demand through the link; each reporter once.",
			Desc:    "The first rating of a resolved demand is its callback: dissatisfied or unsolved sends it back for a second handling (once), anything else closes it. 409 when already rated by this link or not resolved yet.",
			Body:    &Body{Type: typeOf[rateBody]()},
			Resps:   []Resp{{Status: 200, Desc: "The demand after the rating.", Type: typeOf[trackedJSON]()}},
			Errs:    []int{400, 404, 409, 413}}}, (*server).rate},
		{Route{Method: "GET", Path: "/track/{token}/attachments/{aid}", Public: true, Op: Op{ID: "trackedAttachment", Tag: "track",
			Summary: "A photo or file the link's holder filed with their report; no bearer token.",
			Desc:    "Files staff added later, and other reporters' files after a merge, are not found.",
			Params: []Param{
				{Name: "aid", In: "path", Desc: "Attachment id.", Schema: `{"type":"integer","format":"int64"}`},
			},
			Resps: []Resp{{Status: 200, Desc: "The file with its detected type.", Files: []string{"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"}, Headers: []Header{{"Content-Disposition", "inline for JPEG, PNG and WebP; attachment (a download) for HEIC and PDF; with the file name."}, {"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "private, max-age=3600"}}}},
			Errs:  []int{404}}}, (*server).trackedAttachment},
	}
}

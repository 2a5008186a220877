package api

import "gongzhi/internal/pairing"

// pairingSchemas are the named schemas of pairing with people who need care (see namedSchemas).
func pairingSchemas() []schemaDef {
	listProps := map[string]prop{
		"total":    {Desc: "Number of matching records on all pages."},
		"page":     {More: `{"minimum":1}`},
		"per_page": {More: `{"minimum":1,"maximum":500}`},
	}
	return []schemaDef{
		{Name: "CarePerson", Type: typeOf[pairing.Person](), Desc: "A person who needs care (关爱对象). No ID numbers are kept.", Props: map[string]prop{
			"kind":       {Desc: "独居老人, 残疾人, 困难家庭 … an open set."},
			"area":       {Desc: "The residential area's code."},
			"address":    {Desc: "Building and room only."},
			"phone":      {Desc: "Masked (139****5678) except for the area's staff (pairing.write)."},
			"has_link":   {Desc: "An on-call link was made (its token is never shown again)."},
			"members":    {Desc: "The names of the members paired now."},
			"last_visit": {Desc: "The last approved visit."},
		}},
		{Name: "CarePersonInput", Type: typeOf[pairing.PersonInput](), In: true, Required: []string{"kind", "name", "area"}, Props: map[string]prop{
			"kind":    {More: `{"maxLength":20}`},
			"name":    {More: `{"maxLength":40}`},
			"area":    {Desc: "A residential area code."},
			"address": {Desc: "Building and room only.", More: `{"maxLength":60}`},
			"phone":   {Desc: "7 to 20 digits."},
			"note":    {More: `{"maxLength":200}`},
		}},
		{Name: "CareImported", Type: typeOf[pairing.Imported](), Desc: "What an import of people in care did.", Props: map[string]prop{
			"file":    {Desc: "The file's name, as sent."},
			"created": {Desc: "People added (every row of the file)."},
		}},
		{Name: "CarePersonList", Type: typeOf[list[pairing.Person]](), Props: listProps},
		{Name: "CarePair", Type: typeOf[pairing.Pair](), Desc: "A member paired with a person in care (结对).", Props: map[string]prop{
			"ended_at":   {Desc: "Set once the pair ended."},
			"last_visit": {Desc: "The last approved visit."},
		}},
		{Name: "CarePairInput", Type: typeOf[pairing.PairInput](), In: true, Required: []string{"member_id"}, Props: map[string]prop{
			"member_id": {Desc: "A party member.", More: `{"minimum":1}`},
		}},
		{Name: "CarePairList", Type: typeOf[list[pairing.Pair]](), Props: listProps},
		{Name: "CareLink", Type: typeOf[pairing.Link](), Desc: "A person's on-call link.", Props: map[string]prop{
			"token": {Desc: "The secret of the link /help/{token}. Shown only in this response; print it now."},
		}},
		{Name: "CareLog", Type: typeOf[pairing.Log](), Desc: "A visit or call logged by the paired member.", Props: map[string]prop{
			"kind":   {Enum: pairing.LogKinds},
			"status": {Enum: pairing.LogStatuses},
			"reason": {Desc: "Why a log was rejected."},
		}},
		{Name: "CareLogInput", Type: typeOf[pairing.LogInput](), In: true, Required: []string{"kind", "at", "minutes"}, Props: map[string]prop{
			"kind":    {Enum: pairing.LogKinds},
			"at":      {Desc: "When it took place: not in the future, at most 60 days ago."},
			"minutes": {More: `{"minimum":1,"maximum":480}`},
			"note":    {More: `{"maxLength":200}`},
		}},
		{Name: "CareLogList", Type: typeOf[list[pairing.Log]](), Props: listProps},
		{Name: "CareDecision", Type: typeOf[pairing.Decision](), In: true, Required: []string{"approve"}, Props: map[string]prop{
			"reason": {Desc: "Required when rejecting.", More: `{"maxLength":200}`},
		}},
		{Name: "CareRequest", Type: typeOf[pairing.Request](), Desc: "An on-call request (求助) sent through a person's link.", Props: map[string]prop{
			"status":           {Enum: pairing.RequestStatuses},
			"callback":         {Desc: "Masked in lists; whole in the answer to whoever acknowledges or closes it."},
			"response_minutes": {Desc: "Created → acknowledged."},
		}},
		{Name: "CareRequestInput", Type: typeOf[pairing.RequestInput](), In: true, Required: []string{"body"}, Props: map[string]prop{
			"body":     {Desc: "What help is needed.", More: `{"maxLength":500}`},
			"callback": {Desc: "A number to call back, 7 to 20 digits."},
		}},
		{Name: "CareRequestList", Type: typeOf[list[pairing.Request]](), Props: listProps},
		{Name: "CareRequestSent", Type: typeOf[pairing.Sent]()},
		{Name: "CareLinkArea", Type: typeOf[pairing.LinkArea](), Desc: "What a valid on-call link tells: its residential area's code."},
		{Name: "CareAreaResponse", Type: typeOf[pairing.AreaResponse](), Desc: "Response times of one residential area's requests.", Props: map[string]prop{
			"median_minutes": {Desc: "Median of created → acknowledged over the acknowledged requests."},
			"p90_minutes":    {Desc: "90th percentile (nearest rank)."},
		}},
		{Name: "CareResponseTimes", Type: typeOf[careResponseTimes]()},
	}
}

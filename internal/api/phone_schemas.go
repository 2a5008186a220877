package api

import "gongzhi/internal/phone"

// phoneSchemas are the named schemas of the residents' phone roll and of
// taking part with a phone (see namedSchemas).
func phoneSchemas() []schemaDef {
	return []schemaDef{
		{Name: "ResidentPhone", Type: typeOf[phone.Entry](), Desc: "A mobile number on a residential area's roll (居民手机名册).", Props: map[string]prop{
			"area":      {Desc: "The residential area's code."},
			"phone":     {Desc: "Masked: 138****8000."},
			"household": {Desc: "门牌; may be empty."},
			"added_by":  {Desc: "Who put it on the roll."},
		}},
		{Name: "ResidentPhoneList", Type: typeOf[list[phone.Entry]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "ResidentPhoneInput", Type: typeOf[phone.EntryInput](), In: true, Required: []string{"area", "phone"}, Props: map[string]prop{
			"area":      {Desc: "A residential area's code (delib.write there)."},
			"phone":     {Desc: "A mainland mobile number, as people write it (138 0013 8000, +86 …)."},
			"household": {More: `{"maxLength":50}`},
		}},
		{Name: "ResidentPhoneRemove", Type: typeOf[removePhoneBody](), In: true, Required: []string{"area", "phone"}, Props: map[string]prop{
			"area":  {Desc: "The residential area's code."},
			"phone": {Desc: "The whole number to take off."},
		}},
		{Name: "ResidentPhonesImported", Type: typeOf[phone.ImportResult](), Desc: "What an import of a roll did.", Props: map[string]prop{
			"rows":    {Desc: "Numbers in the file."},
			"added":   {Desc: "New on the roll."},
			"already": {Desc: "On the roll before."},
		}},
		{Name: "PhoneCodeInput", Type: typeOf[phoneCodeBody](), In: true, Required: []string{"phone"}, Props: map[string]prop{
			"phone": {Desc: "A mainland mobile number."},
		}},
		{Name: "PhoneCodeSent", Type: typeOf[phone.Sent](), Desc: "The same answer whether or not the number is on a roll.", Props: map[string]prop{
			"phone":      {Desc: "Masked."},
			"expires_at": {Desc: "The code is valid until then."},
		}},
		{Name: "PhoneVerifyInput", Type: typeOf[phoneVerifyBody](), In: true, Required: []string{"phone", "code"}, Props: map[string]prop{
			"code": {Desc: "The 6 digits texted.", More: `{"pattern":"^[0-9 ]{6,12}$"}`},
		}},
		{Name: "PhoneSession", Type: typeOf[phone.Session](), Desc: "A verified phone's session; only its hash is kept, so keep the token.", Props: map[string]prop{
			"token": {Desc: "Send it as X-Phone-Session."},
		}},
		{Name: "PhoneTopicInput", Type: typeOf[phoneTopicBody](), In: true, Required: []string{"area", "title"}, Props: map[string]prop{
			"area":  {Desc: "An area whose roll holds the phone, or one holding it."},
			"title": {More: `{"maxLength":100}`},
			"body":  {More: `{"maxLength":2000}`},
		}},
	}
}

package api

import "gongzhi/internal/booking"

// bookingSchemas are the named schemas of the booking capability's request and
// response types (see namedSchemas).
func bookingSchemas() []schemaDef {
	listProps := map[string]prop{
		"total":    {Desc: "Number of matching records on all pages."},
		"page":     {More: `{"minimum":1}`},
		"per_page": {More: `{"minimum":1,"maximum":500}`},
	}
	return []schemaDef{
		{Name: "Booking", Type: typeOf[booking.Booking](), Desc: "A slot of a venue resource.", Props: map[string]prop{
			"resource_id":    {Desc: "The venue (a resource of kind venue)."},
			"resource_title": {Desc: "The venue's title."},
			"provider":       {Desc: "Who offers the venue."},
			"unit_id":        {Desc: "The unit offering the venue, if a unit does; its liaison confirms holds."},
			"start":          {Desc: "Start, to the minute."},
			"end":            {Desc: "End (exclusive), to the minute."},
			"status":         {Enum: booking.Statuses, Desc: "held and confirmed hold the slot; held lapses at hold_until unless confirmed."},
			"hold_until":     {Desc: "A hold lapses then; null once decided."},
			"attendees":      {Desc: "People expected; at most the venue's capacity."},
			"project_id":     {Desc: "The service project it is for, if any."},
			"booked_by":      {Desc: "Who booked it."},
			"decided_by":     {Desc: "Who confirmed or cancelled it."},
			"reason":         {Desc: "Why it was cancelled."},
		}},
		{Name: "BookingInput", Type: typeOf[booking.Input](), In: true, Required: []string{"resource_id", "start", "end", "purpose"}, Props: map[string]prop{
			"resource_id": {Desc: "A venue resource."},
			"start":       {Desc: "RFC 3339; read to the minute."},
			"end":         {Desc: "RFC 3339, after start: 15 minutes to 24 hours later."},
			"purpose":     {Desc: "What it is booked for.", More: `{"maxLength":200}`},
			"attendees":   {More: `{"minimum":0}`},
			"project_id":  {Desc: "A service project the caller can see."},
			"hold":        {Desc: "Keep it as a hold even where the caller could confirm it."},
		}},
		{Name: "BookingCancel", Type: typeOf[cancelBody](), In: true, Props: map[string]prop{
			"reason": {Desc: "Required of the venue's provider cancelling someone else's booking.", More: `{"maxLength":200}`},
		}},
		{Name: "BookingList", Type: typeOf[list[booking.Booking]](), Props: listProps},
	}
}

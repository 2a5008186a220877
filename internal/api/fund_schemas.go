package api

import "gongzhi/internal/fund"

// fundSchemas are the named schemas of the fund capability's request and
// response types (see namedSchemas).
func fundSchemas() []schemaDef {
	listProps := map[string]prop{
		"total":    {Desc: "Number of matching records on all pages."},
		"page":     {More: `{"minimum":1}`},
		"per_page": {More: `{"minimum":1,"maximum":500}`},
	}
	sources := []string{fund.Government, fund.Unit, fund.Resident}
	fen := func(what string) prop { return prop{Desc: what + " in fen (1 yuan = 100 fen)."} }
	return []schemaDef{
		{Name: "Fund", Type: typeOf[fund.Fund](), Desc: "A community fund (社区公益基金) of a street or residential area.", Props: map[string]prop{
			"area":                  {Desc: "Area code."},
			"balance_fen":           {Desc: "What the fund holds, in fen; never negative.", More: `{"minimum":0}`},
			"in_fen":                {Desc: "Net money in from all sources, in fen, reversals deducted."},
			"out_fen":               {Desc: "Net money paid to projects, in fen, reversals deducted."},
			"by_source":             {Desc: "Net money in by source (三个一点): government, unit, resident, always all three."},
			"pending_disbursements": {Desc: "Disbursements waiting for a decision."},
		}},
		{Name: "FundSourceTotal", Type: typeOf[fund.SourceTotal](), Props: map[string]prop{
			"source":     {Enum: sources},
			"amount_fen": fen("Net amount"),
			"count":      {Desc: "Standing donations (reversed ones not counted)."},
		}},
		{Name: "FundInput", Type: typeOf[fund.FundInput](), In: true, Required: []string{"name", "area"}, Props: map[string]prop{
			"name": {More: `{"maxLength":100}`},
			"area": {Desc: "Code of a street or residential area."},
		}},
		{Name: "FundList", Type: typeOf[list[fund.Fund]](), Props: listProps},
		{Name: "FundEntry", Type: typeOf[fund.Entry](), Desc: "A line of a fund's append-only ledger.", Props: map[string]prop{
			"direction":       {Enum: []string{fund.In, fund.Out}},
			"source":          {Enum: sources, Desc: "Money in and its reversals; null for payouts and theirs."},
			"amount_fen":      {Desc: "Amount in fen, always positive; direction says which way.", More: `{"minimum":1}`},
			"show_name":       {Desc: "The donor agreed to be named on the public page."},
			"received_on":     {Format: "date"},
			"project_id":      {Desc: "Payouts and their reversals: the project paid."},
			"disbursement_id": {Desc: "Payouts: the approved disbursement."},
			"reverses_id":     {Desc: "A reversal: the entry it cancels."},
			"reversed_by":     {Desc: "The reversal that cancels this entry, if any."},
			"receipt_no":      {Desc: "Money in: the receipt number; empty otherwise."},
			"created_by":      {Desc: "Who recorded it."},
		}},
		{Name: "FundEntryInput", Type: typeOf[fund.EntryInput](), In: true, Required: []string{"direction", "source", "amount_fen"}, Props: map[string]prop{
			"direction":   {Enum: []string{fund.In}, Desc: "Only in: money goes out through disbursements."},
			"source":      {Enum: sources},
			"amount_fen":  {More: `{"minimum":1,"maximum":100000000000}`},
			"donor_name":  {Desc: "Who gave it; required for government and unit money (a unit's name follows from unit_id), optional for residents.", More: `{"maxLength":100}`},
			"unit_id":     {Desc: "The giving unit (source unit only)."},
			"show_name":   {Desc: "The donor's consent to be named on the public page; default false."},
			"received_on": {Format: "date", Desc: "Default today; not later than today."},
			"note":        {More: `{"maxLength":500}`},
		}},
		{Name: "FundEntryList", Type: typeOf[list[fund.Entry]](), Props: listProps},
		{Name: "FundEntryReversal", Type: typeOf[reverseBody](), In: true, Required: []string{"reason"}, Props: map[string]prop{
			"reason": {More: `{"maxLength":500}`},
		}},
		{Name: "FundReceipt", Type: typeOf[fund.Receipt](), Desc: "A donor's receipt.", Props: map[string]prop{
			"source":      {Enum: sources},
			"donor":       {Desc: "Empty for an anonymous resident."},
			"received_on": {Format: "date"},
			"reversed":    {Desc: "The donation was reversed since: the receipt no longer stands."},
		}},
		{Name: "Disbursement", Type: typeOf[fund.Disbursement](), Desc: "Money out of a fund for a project, proposed by one person and decided by a second.", Props: map[string]prop{
			"status":                {Enum: fund.DisbursementStatuses, Desc: "reversed: approved, then its payout was reversed."},
			"amount_fen":            {More: `{"minimum":1}`},
			"project_beneficiaries": {Desc: "Residents the project serves or served."},
			"decided_by":            {Desc: "Who approved or rejected it; empty while proposed."},
			"reason":                {Desc: "Why it was rejected."},
			"entry_id":              {Desc: "The payout entry, once approved."},
		}},
		{Name: "DisbursementInput", Type: typeOf[fund.DisbursementInput](), In: true, Required: []string{"project_id", "amount_fen"}, Props: map[string]prop{
			"project_id": {Desc: "An approved, running or done project in the fund's area."},
			"amount_fen": {More: `{"minimum":1,"maximum":100000000000}`},
			"note":       {More: `{"maxLength":500}`},
		}},
		{Name: "DisbursementList", Type: typeOf[list[fund.Disbursement]](), Props: listProps},
		{Name: "DisbursementRejection", Type: typeOf[rejectBody](), In: true, Props: map[string]prop{
			"reason": {More: `{"maxLength":500}`},
		}},
		{Name: "FundPublic", Type: typeOf[fund.Public](), Desc: "A fund's public figures (公示): no phone, note or staff name.", Props: map[string]prop{
			"by_source":      {Desc: "Net money in by source, always all three."},
			"projects":       {Desc: "Projects paid, net of reversals, largest first."},
			"donations":      {Desc: "The latest standing donations (at most 200), newest first."},
			"donation_count": {Desc: "All standing donations."},
			"updated_at":     {Desc: "When the last entry was written; null for an empty ledger."},
		}},
		{Name: "FundPublicProject", Type: typeOf[fund.PublicProject](), Props: map[string]prop{
			"beneficiaries": {Desc: "Residents the project serves or served."},
			"amount_fen":    fen("Net amount paid"),
		}},
		{Name: "FundPublicDonation", Type: typeOf[fund.PublicDonation](), Props: map[string]prop{
			"source":      {Enum: sources},
			"received_on": {Format: "date"},
			"donor":       {Desc: "The donor's name where they agreed to be named; null: anonymous (匿名)."},
		}},
	}
}

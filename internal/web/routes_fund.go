package web

import "gongzhi/internal/auth"

// fundSection is the community fund (社区公益基金): the funds in scope, a
// fund's ledger with its forms and pending disbursements, reversals,
// donors' receipts, the XLSX export, and the public page residents open
// without an account. The section is lean (no htmx): its forms are plain
// posts, and the public page must load fast on a resident's phone.
func fundSection() section {
	return section{
		name: "fund",
		nav: []navLink{
			{Section: "funds", Href: "/funds", Key: "nav.funds", can: canAny(auth.FundRead)},
		},
		lean:  true,
		pages: []string{"fund_list.html", "fund.html", "fund_reverse.html", "fund_receipt.html", "fund_public.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /funds", s.page(s.fundList)},
				{"POST /funds", s.post(formLimit, s.fundCreate)},
				{"GET /funds/{id}", s.page(s.fundPage)},
				{"GET /funds/{id}/export.xlsx", s.page(s.fundExport)},
				{"POST /funds/{id}/entries", s.post(formLimit, s.fundRecordIn)},
				{"GET /funds/{id}/entries/{eid}/receipt", s.page(s.fundReceipt)},
				{"GET /funds/{id}/entries/{eid}/reverse", s.page(s.fundReverseForm)},
				{"POST /funds/{id}/entries/{eid}/reverse", s.post(formLimit, s.fundReverse)},
				{"POST /funds/{id}/disbursements", s.post(formLimit, s.fundPropose)},
				{"POST /funds/{id}/disbursements/{did}/approve", s.post(formLimit, s.fundDecide(true))},
				{"POST /funds/{id}/disbursements/{did}/reject", s.post(formLimit, s.fundDecide(false))},
				{"GET /fund/{id}", s.public(s.fundPublicPage)},
			}
		},
	}
}

package web

import "gongzhi/internal/auth"

// siteSection is what every visitor has: static files, signing in and out,
// the language switch, the home page and one's own account.
func siteSection() section {
	return section{
		name: "home",
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /static/", s.serveAsset},
				{"GET /login", s.public(s.loginForm)},
				{"POST /login", s.public(s.login)},
				{"POST /logout", s.post(formLimit, s.logout)},
				{"POST /lang", s.public(s.setLang)},
				{"GET /{$}", s.public(s.root)}, // staff: their home; everyone else: how to report and track
				{"GET /account/password", s.page(s.passwordForm)},
				{"POST /account/password", s.post(formLimit, s.passwordChange)},
				{"GET /account/contact", s.page(s.contactForm)},
				{"POST /account/contact", s.post(formLimit, s.contactChange)},
			}
		},
	}
}

// adminSection is accounts, grants and tokens, the audit log and the job
// queue's operator page.
func adminSection() section {
	return section{
		name: "admin",
		nav: []navLink{
			{Section: "users", Href: "/admin/users", Key: "nav.users", group: "nav.group.admin", can: canAny(auth.UserRead)},
			{Section: "audit", Href: "/audit", Key: "nav.audit", group: "nav.group.admin", can: canAny(auth.AuditRead)},
			{Section: "jobs", Href: "/admin/jobs", Key: "nav.jobs", group: "nav.group.admin", can: rootJobs},
			{Section: "tokens", Href: "/tokens", Key: "nav.tokens", group: "nav.group.admin", can: isStaff},
		},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /admin/users", s.page(s.userList)},
				{"GET /admin/users/new", s.page(s.userNewForm)},
				{"POST /admin/users", s.post(formLimit, s.userCreate)},
				{"GET /admin/users/{id}", s.page(s.userPage)},
				{"POST /admin/users/{id}/grants", s.post(formLimit, s.grantAdd)},
				{"POST /admin/users/{id}/grants/{grant}/delete", s.post(formLimit, s.grantRemove)},
				{"POST /admin/users/{id}/disable", s.post(formLimit, s.userDisable)},
				{"POST /admin/users/{id}/enable", s.post(formLimit, s.userEnable)},
				{"POST /admin/users/{id}/password", s.post(formLimit, s.userResetPassword)},
				{"POST /admin/users/{id}/contact", s.post(formLimit, s.userSetContact)},
				{"GET /tokens", s.page(s.tokenList)},
				{"POST /tokens", s.post(formLimit, s.tokenCreate)},
				{"POST /tokens/{id}/revoke", s.post(formLimit, s.tokenRevoke)},
				{"GET /audit", s.page(s.auditList)},
				{"GET /admin/jobs", s.page(s.jobList)},
				{"POST /admin/jobs/{id}/retry", s.post(formLimit, s.jobRetry)},
				{"POST /admin/jobs/{id}/cancel", s.post(formLimit, s.jobCancel)},
			}
		},
	}
}

// inboxSection is the staff inbox (its link sits beside the user's name).
func inboxSection() section {
	return section{
		name: "inbox",
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /inbox", s.page(s.inbox)},
				{"POST /inbox/read", s.post(formLimit, s.inboxRead)},
				{"POST /inbox/read-all", s.post(formLimit, s.inboxReadAll)},
			}
		},
	}
}

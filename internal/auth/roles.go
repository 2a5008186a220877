// Package auth holds users, their area grants, web sessions, API tokens,
// password hashing, login throttling, the audit log and the one function that
// decides every read and write: Authorize.
package auth

import (
	"slices"
	"strings"

	"gongzhi/internal/area"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Role is what a user may do on the area a grant names and its subtree.
type Role string

// The roles, from the district down to a resident; each is granted on an
// area and reaches that area's subtree.
const (
	DistrictAdmin  Role = "district_admin"
	StreetStaff    Role = "street_staff"
	CommunityStaff Role = "community_staff"
	GridWorker     Role = "grid_worker"
	UnitLiaison    Role = "unit_liaison"
	Member         Role = "member"
	Resident       Role = "resident"
	Auditor        Role = "auditor"
)

// Roles lists every role, most powerful first.
var Roles = []Role{DistrictAdmin, StreetStaff, CommunityStaff, GridWorker, UnitLiaison, Member, Resident, Auditor}

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool { return slices.Contains(Roles, Role(r)) }

// Perm is one kind of read or write.
type Perm string

// Permissions checked by Authorize.
const (
	AreaRead     Perm = "area.read"     // browse the area tree
	OrgRead      Perm = "org.read"      // party orgs, association, service points
	OrgWrite     Perm = "org.write"     // edit the tree and organisations
	UnitRead     Perm = "unit.read"     // units and their details
	UnitWrite    Perm = "unit.write"    // create, edit and import units
	CoverageRead Perm = "coverage.read" // coverage figures and gap lists
	UserRead     Perm = "user.read"     // see users and grants
	UserAdmin    Perm = "user.admin"    // create users, grant roles
	AuditRead    Perm = "audit.read"    // read the audit log
	JobsAdmin    Perm = "jobs.admin"    // see, retry and cancel background jobs (on the root area: jobs serve everyone)

	DemandRead     Perm = "demand.read"     // see demands and their timelines
	DemandIntake   Perm = "demand.intake"   // file a demand on a resident's behalf
	DemandDispatch Perm = "demand.dispatch" // dispatch, approve extensions, call back, merge, close
	DemandHandle   Perm = "demand.handle"   // sign for, return, contact, extend, resolve
	DemandApprove  Perm = "demand.approve"  // second approval (unreasonable demands), street level and up
	DemandAdmin    Perm = "demand.admin"    // categories, routing, the working-day calendar

	ListsRead      Perm = "lists.read"      // needs, resources, matches and service projects (三张清单)
	ListsWrite     Perm = "lists.write"     // create needs (also from demands), match, propose projects
	ResourceOffer  Perm = "resource.offer"  // offer a unit's resources, accept its matches, claim projects for it
	ProjectApprove Perm = "project.approve" // approve, cancel and evaluate service projects, street level and up
	BookingWrite   Perm = "booking.write"   // book venue resources, cancel bookings
	FundRead       Perm = "fund.read"       // the community fund's ledger
	FundWrite      Perm = "fund.write"      // record money in, propose disbursements
	FundApprove    Perm = "fund.approve"    // approve a disbursement another person proposed
)

// Permissions of hot spots and monthly topics (未诉先办, 每月一题; issue 12).
const (
	HotspotRead Perm = "hotspot.read" // hot spots, recurring problems, monthly topics and their measured effect
	TopicWrite  Perm = "topic.write"  // make a hot spot the month's topic, give it its project, close it; street level and up
)

// Permissions of party members and activities (issue 10).
const (
	MemberRead    Perm = "member.read"    // party members (phones masked), dual reporting and the follow-up lists
	MemberWrite   Perm = "member.write"   // add, import, link members; register dual reporting for them
	ActivityRead  Perm = "activity.read"  // published activities (also those of the areas above the grant)
	ActivityWrite Perm = "activity.write" // publish activities, show the check-in code, see sign-ups and head counts
	ActivityJoin  Perm = "activity.join"  // sign up for activities, check in and out with one's own session
)

// Permissions of party members' points (党员积分制; issue 10).
const (
	PointsRead    Perm = "points.read"    // members' points ledgers, rankings within a kind, the year-end export
	PointsPropose Perm = "points.propose" // propose manual points (study, organisational life, pioneer bonus, deductions) with evidence
	PointsApprove Perm = "points.approve" // approve or reject manual points another person proposed
	PointsRules   Perm = "points.rules"   // edit the district's rule sets, preview and apply a recompute; district level
)

// Permissions of cadres: secretaries, sent-down young cadres, training,
// yearly evaluations and mentoring pairs (issue 10).
const (
	CadreRead   Perm = "cadre.read"   // cadres, training, evaluations with their figures, mentoring pairs and meetings
	CadreWrite  Perm = "cadre.write"  // add cadres, record training, make mentoring pairs and log their meetings
	CadreReview Perm = "cadre.review" // score and review a cadre's year (street level and up; never one's own)
)

// Permissions of deliberation: topics and votes (issue 11).
const (
	DelibRead  Perm = "delib.read"  // topics and votes of an area as staff see them: turnout, links made, answers due
	DelibWrite Perm = "delib.write" // create, open and close votes, make ballot links, answer topics, set thresholds
	DelibJoin  Perm = "delib.join"  // as a resident of the area: raise and support topics, vote signed in
)

// Permissions of residents' evaluation of their committee (居委会测评, issue 11).
// The street runs the survey of a committee; the committee reads its own
// results and comments but does not make links that answer for itself.
const (
	SurveyRead  Perm = "survey.read"  // campaigns, scores and residents' (masked) comments of areas in scope; exports
	SurveyWrite Perm = "survey.write" // start and close campaigns, make one-time links and print their slips
)

// Permissions of alliances (三联盟, issue 11).
const (
	AllianceRead  Perm = "alliance.read"  // alliances of areas in scope: charter, criteria, members, commitments and what was done
	AllianceWrite Perm = "alliance.write" // found alliances, admit members, record their commitments and what was done against them
)

// Permissions of pairing with people who need care (结对关爱; issue 10).
const (
	PairingRead  Perm = "pairing.read"  // people in care (phones masked), pairs, logs, on-call requests and the gap lists of an area
	PairingWrite Perm = "pairing.write" // add people in care, make and end pairs, approve logs, make request links, answer requests
	PairingLog   Perm = "pairing.log"   // as the paired member: log visits and calls, acknowledge and close one's own pairs' requests
)

// rolePerms is the whole permission table. Scope comes from the grant's area.
var rolePerms = map[Role][]Perm{
	DistrictAdmin: {AreaRead, OrgRead, OrgWrite, UnitRead, UnitWrite, CoverageRead, UserRead, UserAdmin, AuditRead, JobsAdmin,
		DemandRead, DemandIntake, DemandDispatch, DemandHandle, DemandApprove, DemandAdmin,
		ListsRead, ListsWrite, ResourceOffer, ProjectApprove, BookingWrite, FundRead, FundWrite, FundApprove,
		MemberRead, MemberWrite, ActivityRead, ActivityWrite, PointsRead, PointsPropose, PointsApprove, PointsRules,
		DelibRead, DelibWrite,
		CadreRead, CadreWrite, CadreReview,
		HotspotRead, TopicWrite, PairingRead, PairingWrite, SurveyRead, SurveyWrite, AllianceRead, AllianceWrite},
	StreetStaff: {AreaRead, OrgRead, OrgWrite, UnitRead, UnitWrite, CoverageRead, UserRead,
		DemandRead, DemandIntake, DemandDispatch, DemandHandle, DemandApprove,
		ListsRead, ListsWrite, ResourceOffer, ProjectApprove, BookingWrite, FundRead, FundWrite, FundApprove,
		MemberRead, MemberWrite, ActivityRead, ActivityWrite, PointsRead, PointsPropose, PointsApprove,
		DelibRead, DelibWrite,
		CadreRead, CadreWrite, CadreReview,
		HotspotRead, TopicWrite, PairingRead, PairingWrite, SurveyRead, SurveyWrite, AllianceRead, AllianceWrite},
	CommunityStaff: {AreaRead, OrgRead, UnitRead, UnitWrite, CoverageRead,
		DemandRead, DemandIntake, DemandDispatch, DemandHandle,
		ListsRead, ListsWrite, ResourceOffer, BookingWrite, FundRead, FundWrite,
		MemberRead, MemberWrite, ActivityRead, ActivityWrite, PointsRead, PointsPropose, PointsApprove,
		DelibRead, DelibWrite,
		CadreRead,
		HotspotRead, PairingRead, PairingWrite, SurveyRead, AllianceRead, AllianceWrite},
	GridWorker: {AreaRead, OrgRead, UnitRead, CoverageRead, DemandRead, DemandIntake, DemandHandle,
		ListsRead, ListsWrite, ActivityRead, DelibRead},
	UnitLiaison: {AreaRead, OrgRead, UnitRead, DemandRead, DemandHandle, ListsRead, ResourceOffer, BookingWrite, ActivityRead},
	Member:      {AreaRead, OrgRead, ActivityRead, ActivityJoin, DelibJoin, PairingLog},
	Resident:    {AreaRead, ActivityRead, ActivityJoin, DelibJoin},
	Auditor:     {AreaRead, OrgRead, UnitRead, CoverageRead, UserRead, AuditRead, DemandRead, ListsRead, FundRead, MemberRead, ActivityRead, DelibRead, HotspotRead, PointsRead, PairingRead, SurveyRead, CadreRead, AllianceRead},
}

// unitPerms are the permissions a role holds not on its grant's whole area
// but only on the records dispatched to the unit the grant names: a unit
// liaison sees and handles its own unit's demands, not every demand (and
// every resident's phone) of the area it works in.
var unitPerms = map[Role][]Perm{
	UnitLiaison: {DemandRead, DemandHandle, ResourceOffer, BookingWrite},
}

// Can reports whether the role carries the permission anywhere.
func (r Role) Can(p Perm) bool { return slices.Contains(rolePerms[r], p) }

// UnitBound reports whether a grant of the role must name a unit: it holds
// some permission only on that unit's records.
func (r Role) UnitBound() bool { return len(unitPerms[r]) > 0 }

// Grant gives a role on an area and its subtree. A unit-bound role's grant
// also names a unit inside that area (UnitID).
type Grant struct {
	ID       int64  `json:"id"`
	Role     Role   `json:"role"`
	AreaCode string `json:"area"`
	AreaPath string `json:"-"`
	AreaName string `json:"area_name,omitempty"`
	UnitID   *int64 `json:"unit_id,omitempty"`
	UnitName string `json:"unit_name,omitempty"`
}

// Holds reports whether g gives perm on its whole area (not only on its unit's records).
func (g Grant) Holds(perm Perm) bool { return g.Role.Can(perm) && !g.unitOnly(perm) }

// unitOnly reports whether g holds perm only on its unit's records.
func (g Grant) unitOnly(perm Perm) bool { return slices.Contains(unitPerms[g.Role], perm) }

// allows decides one grant: perm on a record at path dispatched to unit
// (nil: to no unit). A unit-bound permission looks at the unit alone: the
// unit lies inside the grant's area (checked when granting), and whatever
// is dispatched to it is its work wherever the resident lives. A grant
// naming no unit (made before units were named) reaches nothing of its unit's.
func (g Grant) allows(perm Perm, path string, unit *int64) bool {
	if !g.Role.Can(perm) {
		return false
	}
	if g.unitOnly(perm) {
		return unit != nil && g.UnitID != nil && *unit == *g.UnitID
	}
	return strings.HasPrefix(path, g.AreaPath)
}

// Principal is who is asking: a signed-in user, a token holder or the system.
type Principal struct {
	UserID      int64
	Username    string
	DisplayName string
	Lang        string
	Grants      []Grant
	System      bool // the CLI and demo builder act as the system
}

// SystemPrincipal acts for the command line; it may do anything.
func SystemPrincipal() *Principal { return &Principal{Username: "system", System: true} }

// Name is how the principal appears in the audit log.
func (p *Principal) Name() string {
	if p == nil {
		return "anonymous"
	}
	return p.Username
}

// Actor is how p is named on the records it writes: its user id (nil for
// the system, a token-less caller or nobody) and its display name, or its
// username when it has none.
func (p *Principal) Actor() (*int64, string) {
	name := p.Name()
	if p != nil && p.DisplayName != "" {
		name = p.DisplayName
	}
	if p == nil || p.UserID == 0 {
		return nil, name
	}
	id := p.UserID
	return &id, name
}

// HasRole reports whether the principal holds the role anywhere.
func (p *Principal) HasRole(r Role) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if g.Role == r {
			return true
		}
	}
	return false
}

// Authorize decides whether p may use perm on a record whose area path is
// path. It is the one place gongzhi makes that decision: handlers and
// services call it before every read and write of a scoped record. A
// record that can be dispatched to a unit is decided by AuthorizeUnit;
// here unit-bound grants reach nothing.
func Authorize(p *Principal, perm Perm, path string) error {
	return AuthorizeUnit(p, perm, path, nil)
}

// AuthorizeUnit is Authorize for a record at path dispatched to unit (nil:
// to none), such as a demand and its lead unit: area grants decide by the
// path, unit-bound grants (a unit liaison's) by the unit.
func AuthorizeUnit(p *Principal, perm Perm, path string, unit *int64) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	if p.System {
		return nil
	}
	for _, g := range p.Grants {
		if g.allows(perm, path, unit) {
			return nil
		}
	}
	return errs.New(errs.EFORBIDDEN, "you may not do this here (%s)", perm)
}

// AuthorizeAny decides whether p holds perm anywhere, for pages that list
// records and then filter them by Scope (or by ScopeUnitSQL, which adds
// the units of unit-bound grants).
func AuthorizeAny(p *Principal, perm Perm) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	if p.System || len(Scope(p, perm)) > 0 || len(ScopeUnits(p, perm)) > 0 {
		return nil
	}
	return errs.New(errs.EFORBIDDEN, "your role does not allow this (%s)", perm)
}

// Scope returns the area paths where p holds perm on every record, with
// paths inside other returned paths removed; unit-bound grants add none.
// The system principal gets "/" (everything).
func Scope(p *Principal, perm Perm) []string {
	if p == nil {
		return nil
	}
	if p.System {
		return []string{"/"}
	}
	var paths []string
	for _, g := range p.Grants {
		if g.Holds(perm) {
			paths = append(paths, g.AreaPath)
		}
	}
	slices.Sort(paths)
	out := paths[:0]
	for _, s := range paths {
		if len(out) > 0 && strings.HasPrefix(s, out[len(out)-1]) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// ScopeSQL returns a condition limiting col (an area path) to where p holds
// perm, with its arguments; "1=0" when p holds it nowhere.
func ScopeSQL(d db.Dialect, p *Principal, perm Perm, col string) (string, []any) {
	paths := Scope(p, perm)
	if len(paths) == 0 {
		return "1=0", nil
	}
	if len(paths) == 1 && paths[0] == "/" {
		return "1=1", nil
	}
	conds := make([]string, len(paths))
	args := make([]any, len(paths))
	for i, s := range paths {
		conds[i], args[i] = area.Subtree(d, col, s)
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// ScopeUnits returns the units on whose records p holds perm through
// unit-bound grants (none for the system principal, whose Scope is "/").
func ScopeUnits(p *Principal, perm Perm) []int64 {
	if p == nil || p.System {
		return nil
	}
	var out []int64
	for _, g := range p.Grants {
		if g.Role.Can(perm) && g.unitOnly(perm) && g.UnitID != nil && !slices.Contains(out, *g.UnitID) {
			out = append(out, *g.UnitID)
		}
	}
	slices.Sort(out)
	return out
}

// ScopeUnitSQL is ScopeSQL for records that can be dispatched to a unit:
// pathCol in p's Scope, or unitCol one of p's ScopeUnits.
func ScopeUnitSQL(d db.Dialect, p *Principal, perm Perm, pathCol, unitCol string) (string, []any) {
	cond, args := ScopeSQL(d, p, perm, pathCol)
	units := ScopeUnits(p, perm)
	if len(units) == 0 {
		return cond, args
	}
	in := unitCol + " IN (?" + strings.Repeat(", ?", len(units)-1) + ")"
	for _, u := range units {
		args = append(args, u)
	}
	if cond == "1=0" {
		return in, args
	}
	return "(" + cond + " OR " + in + ")", args
}

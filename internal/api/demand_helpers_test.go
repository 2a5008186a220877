package api_test

import (
	"context"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/notify"
)

// Helpers shared by the demand tests: categories, and demands filed and
// moved through the service where a test needs them as a given.

// seedCategories saves the categories the demand tests file under.
func (e *env) seedCategories() {
	e.t.Helper()
	for _, c := range []demand.Category{
		{Code: "noise", Name: "噪音扰民", ContactLimit: "2h", ResolveLimit: "5wd", Active: true},
		{Code: "sanitation", Name: "环境卫生", ContactLimit: "2h", ResolveLimit: "3wd", Active: true},
		{Code: "parking", Name: "停车管理", ContactLimit: "2h", ResolveLimit: "5wd", Active: true},
	} {
		e.saveCategory(c)
	}
}

func (e *env) saveCategory(c demand.Category) {
	e.t.Helper()
	if _, err := e.demand.SaveCategory(context.Background(), e.f.Users[auth.DistrictAdmin], c); err != nil {
		e.t.Fatalf("category %s: %v", c.Code, err)
	}
}

// Reporter of every demand the helpers file: the tests look for these in
// bodies that must not show them.
const (
	reporterName  = "王秀英"
	reporterPhone = "13912345678"
)

// fileDirect files a demand as a resident without an account would.
func (e *env) fileDirect(area, category, text string) demand.Filed {
	e.t.Helper()
	f, err := e.demand.Intake(context.Background(), nil, demand.NewDemand{Category: category, Description: text, Area: area,
		Reporter: demand.ReporterInput{Name: reporterName, Phone: reporterPhone}})
	if err != nil {
		e.t.Fatalf("intake: %v", err)
	}
	return f
}

// resolvedDemand files a demand in area and takes it to resolved, so its
// reporter may rate it.
func (e *env) resolvedDemand(area, text string) demand.Filed {
	e.t.Helper()
	f := e.fileDirect(area, "sanitation", text)
	admin := e.f.Users[auth.DistrictAdmin]
	for _, in := range []demand.ActionInput{
		{Action: demand.ActDispatch, Lead: area},
		{Action: demand.ActSign},
		{Action: demand.ActContact, Note: "已电话联系"},
		{Action: demand.ActResolve, Outcome: demand.OutcomeSolved, Resolution: "已清运"},
	} {
		if _, err := e.demand.Act(context.Background(), admin, f.Demand.ID, in); err != nil {
			e.t.Fatalf("%s: %v", in.Action, err)
		}
	}
	return f
}

// newWebhook adds a webhook as the district admin and returns its id.
func (e *env) newWebhook(url string) int64 {
	e.t.Helper()
	_, w, err := e.notify.CreateWebhook(context.Background(), e.f.Users[auth.DistrictAdmin], notify.NewWebhook{URL: url})
	if err != nil {
		e.t.Fatalf("webhook: %v", err)
	}
	return w.ID
}

// failedDelivery queues an event for webhook hook and marks the delivery
// failed, as the dispatcher leaves one whose retries ran out.
func (e *env) failedDelivery(hook int64) int64 {
	e.t.Helper()
	ctx := context.Background()
	err := e.db.InTx(ctx, func(tx *db.Tx) error {
		return e.notify.Enqueue(ctx, tx, "demand.test", map[string]any{"hook": hook})
	})
	if err != nil {
		e.t.Fatalf("enqueue: %v", err)
	}
	var id int64
	if err := e.db.QueryRow(ctx, "SELECT max(id) FROM webhook_deliveries WHERE webhook_id = ?", hook).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.db.Exec(ctx, "UPDATE webhook_deliveries SET status = 'failed', attempts = 8 WHERE id = ?", id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// newCampaign starts a campaign over area as the system.
func (e *env) newCampaign(quarter, area string) int64 {
	e.t.Helper()
	c, err := e.demand.CreateCampaign(context.Background(), auth.SystemPrincipal(), demand.Campaign{Quarter: quarter, Area: area})
	if err != nil {
		e.t.Fatalf("campaign: %v", err)
	}
	return c.ID
}

// newTeam assigns a team to a residential area of campaign.
func (e *env) newTeam(campaign int64, area string) int64 {
	e.t.Helper()
	tm, err := e.demand.AddTeam(context.Background(), auth.SystemPrincipal(), demand.Team{Campaign: campaign, Name: "走访组 " + area, Org: "区机关党工委",
		Members: []demand.TeamMember{{Name: "李代表", Role: "deputy"}}, Area: area})
	if err != nil {
		e.t.Fatalf("team: %v", err)
	}
	return tm.ID
}

// countDemands is what a failed request must leave as it was: demands,
// their events, reporters and timers.
func (e *env) countDemands() [4]int {
	e.t.Helper()
	return [4]int{e.count("SELECT count(*) FROM demands"), e.count("SELECT count(*) FROM demand_events"),
		e.count("SELECT count(*) FROM demand_reporters"), e.count("SELECT count(*) FROM jobs")}
}

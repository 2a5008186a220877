package open311_test

import (
	"net/http"
	"strconv"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestMediaURL: a media_url given on POST is kept as a link and published;
// photos uploaded to gongzhi are never published.
func TestMediaURL(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		form := e.form(e.keys[auth.Resident])
		form.Set("media_url", "ftp://files.example.org/photo.jpg")
		e.wantErrors(e.post("/requests.json", form), "/requests.json", http.StatusBadRequest, "media_url")
		form.Set("media_url", "https://img.example.org/reports/42.jpg")
		r := e.post("/requests.json", form)
		if r.status != http.StatusOK {
			t.Fatalf("post: %d %s", r.status, r.body)
		}
		var made []struct {
			ID string `json:"service_request_id"`
		}
		e.decode(r, &made)
		got := e.listJSON("/requests/" + made[0].ID + ".json")
		if len(got) != 1 || got[0].MediaURL != "https://img.example.org/reports/42.jpg" {
			t.Fatalf("media_url: %+v", got)
		}

		// A demand filed with a photo on the resident's page: the photo stays private.
		f, err := e.dm.Intake(e.ctx, nil, demand.NewDemand{Category: "sanitation", Area: testkit.ResA1, Description: "垃圾没人清",
			Attachments: []demand.File{{Name: "垃圾.jpg", Data: testkit.JPEG(1 << 10)}}})
		if err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(f.Demand.ID, 10)
		got = e.listJSON("/requests/" + id + ".json")
		if len(got) != 1 || got[0].MediaURL != "" || got[0].StatusNotes != "" {
			t.Fatalf("an uploaded photo is published: %+v", got)
		}
		if x := e.listXML("/requests/" + id + ".xml"); len(x) != 1 || x[0].MediaURL != "" {
			t.Fatalf("xml: %+v", x)
		}
	})
}

package open311_test

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"testing"

	"gongzhi/internal/db"
	"gongzhi/internal/open311"
	"gongzhi/internal/testkit"
)

type discovery struct {
	Changeset  string `json:"changeset" xml:"changeset"`
	Contact    string `json:"contact" xml:"contact"`
	KeyService string `json:"key_service" xml:"key_service"`
	Endpoints  []struct {
		Specification string   `json:"specification" xml:"specification"`
		URL           string   `json:"url" xml:"url"`
		Changeset     string   `json:"changeset" xml:"changeset"`
		Type          string   `json:"type" xml:"type"`
		Formats       []string `json:"formats" xml:"formats>format"`
	} `json:"endpoints" xml:"endpoints>endpoint"`
}

func TestDiscovery(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, path := range []string{"/discovery.json", "/discovery.xml"} {
			r := e.get(path)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			var doc discovery
			if strings.HasSuffix(path, ".json") {
				e.decode(r, &doc)
			} else {
				var x struct {
					XMLName xml.Name `xml:"discovery"`
					discovery
				}
				e.decodeXML(r, &x)
				doc = x.discovery
			}
			if doc.Changeset == "" || doc.Contact == "" || !strings.Contains(doc.KeyService, "/tokens") || len(doc.Endpoints) != 1 {
				t.Fatalf("%s: %+v", path, doc)
			}
			ep := doc.Endpoints[0]
			if ep.Specification != open311.Specification || ep.URL != e.base || ep.Type != "production" ||
				!slices.Equal(ep.Formats, []string{"text/xml", "application/json"}) || !strings.HasSuffix(ep.Changeset, "+08:00") {
				t.Errorf("%s: endpoint %+v (base %s)", path, ep, e.base)
			}
		}
	})
}

type service struct {
	Code        string `json:"service_code" xml:"service_code"`
	Name        string `json:"service_name" xml:"service_name"`
	Description string `json:"description" xml:"description"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
	Type        string `json:"type" xml:"type"`
	Keywords    string `json:"keywords" xml:"keywords"`
	Group       string `json:"group" xml:"group"`
}

type definition struct {
	Code       string `json:"service_code" xml:"service_code"`
	Attributes []struct {
		Variable            bool   `json:"variable" xml:"variable"`
		Code                string `json:"code" xml:"code"`
		Datatype            string `json:"datatype" xml:"datatype"`
		Required            bool   `json:"required" xml:"required"`
		DatatypeDescription string `json:"datatype_description" xml:"datatype_description"`
		Order               int    `json:"order" xml:"order"`
		Description         string `json:"description" xml:"description"`
		Values              []struct {
			Key  string `json:"key" xml:"key"`
			Name string `json:"name" xml:"name"`
		} `json:"values" xml:"values>value"`
	} `json:"attributes" xml:"attributes>attribute"`
}

func TestServices(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, path := range []string{"/services.json", "/services.xml", "/services.json?jurisdiction_id=310104", "/services.xml?jurisdiction_id="} {
			r := e.get(path)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			var list []service
			if strings.Contains(path, ".json") {
				e.decode(r, &list)
			} else {
				var x struct {
					XMLName  xml.Name  `xml:"services"`
					Services []service `xml:"service"`
				}
				e.decodeXML(r, &x)
				list = x.Services
			}
			byCode := map[string]service{}
			for _, s := range list {
				byCode[s.Code] = s
			}
			if len(list) != 3 || byCode["old"].Code != "" {
				t.Fatalf("%s: want the 3 active categories, got %+v", path, list)
			}
			noise, san := byCode["noise"], byCode["sanitation"]
			if !noise.Metadata || noise.Name != "噪音扰民" || noise.Type != "realtime" || !strings.Contains(noise.Description, "Noise") {
				t.Errorf("%s: noise %+v", path, noise)
			}
			if san.Metadata || san.Group != "环境卫生" || san.Keywords != "垃圾,清运" || !strings.Contains(san.Description, "3个工作日") {
				t.Errorf("%s: sanitation %+v", path, san)
			}
		}

		for _, path := range []string{"/services/noise.json", "/services/noise.xml"} {
			r := e.get(path)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			var def definition
			if strings.HasSuffix(path, ".json") {
				e.decode(r, &def)
			} else {
				var x struct {
					XMLName xml.Name `xml:"service_definition"`
					definition
				}
				e.decodeXML(r, &x)
				def = x.definition
			}
			if def.Code != "noise" || len(def.Attributes) != 4 {
				t.Fatalf("%s: %+v", path, def)
			}
			for i, a := range def.Attributes {
				if !a.Variable || a.Order != i+1 || a.DatatypeDescription == "" || a.Description == "" {
					t.Errorf("%s: attribute %+v", path, a)
				}
			}
			floor, period := def.Attributes[0], def.Attributes[1]
			if floor.Code != "floor" || floor.Datatype != "number" || !floor.Required || len(floor.Values) != 0 {
				t.Errorf("%s: floor %+v", path, floor)
			}
			if period.Required || period.Datatype != "singlevaluelist" || len(period.Values) != 2 || period.Values[1].Key != "夜间" || period.Values[1].Name != "夜间" {
				t.Errorf("%s: period %+v", path, period)
			}
			if !strings.Contains(def.Attributes[3].Description, "最近一次听到的时间") {
				t.Errorf("%s: seen %+v", path, def.Attributes[3])
			}
		}
		// A service without attributes still has its (empty) list.
		if r := e.get("/services/sanitation.json"); r.status != http.StatusOK || !strings.Contains(r.body, `"attributes":[]`) {
			t.Errorf("sanitation.json: %d %s", r.status, r.body)
		}
		if r := e.get("/services/sanitation.xml"); r.status != http.StatusOK || !strings.Contains(r.body, "<attributes></attributes>") {
			t.Errorf("sanitation.xml: %d %s", r.status, r.body)
		}

		for _, c := range []struct {
			path   string
			status int
			sub    string
		}{
			{"/services/nope.json", 404, "nope"},
			{"/services/nope.xml", 404, "nope"},
			{"/services/old.json", 404, "old"},
			{"/services.json?jurisdiction_id=sfgov.org", 404, "jurisdiction_id"},
			{"/services/noise.xml?jurisdiction_id=sfgov.org", 404, "jurisdiction_id"},
			{"/requests.json?jurisdiction_id=sfgov.org", 404, "jurisdiction_id"},
			{"/discovery.xml?jurisdiction_id=sfgov.org", 404, "jurisdiction_id"},
			{"/services.html", 404, "format"},
			{"/services", 404, "discovery"},
			{"/nothing.json", 404, "discovery"},
			{"/services/a/b.json", 404, "discovery"},
		} {
			req, _ := http.NewRequest(http.MethodGet, e.base+c.path, nil)
			r := e.send(req)
			e.wantErrors(r, c.path, c.status, c.sub)
		}
		req, _ := http.NewRequest(http.MethodDelete, e.base+"/services.json", nil)
		e.wantErrors(e.send(req), "/services.json", http.StatusMethodNotAllowed, "DELETE")
	})
}

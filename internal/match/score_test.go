package match_test

import (
	"fmt"
	"strings"
	"testing"

	"gongzhi/internal/match"
	"gongzhi/internal/week"
)

func windows(t testing.TB, text string) week.Windows {
	t.Helper()
	w, err := week.Parse("windows", text)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// metresNorth is the latitude step of m metres on the haversine's sphere.
func metresNorth(m float64) float64 { return m / (6371000 * 3.141592653589793 / 180) }

// baseCase is a need for night parking in a residential area and a car
// park in the same area, 800 m away, open every evening, 3 of 5 left.
func baseCase(t *testing.T) (match.Need, match.Resource) {
	n := match.Need{ID: 1, Category: "parking", Path: "/310104/310104001/310104001001/",
		Lat: 31.19, Lng: 121.44, Windows: windows(t, "1-5 19:00-23:00"), Urgency: 1}
	r := match.Resource{ID: 7, Kind: "parking", Categories: []string{"venue", "parking"},
		Path: "/310104/310104001/310104001001/", ServesPath: "/310104/310104001/",
		Lat: 31.19 + metresNorth(800), Lng: 121.44, Windows: windows(t, "1-7 18:00-24:00"), Slots: 3, Capacity: 5}
	return n, r
}

// describe writes a score's parts as "code:detail(value)+points".
func describe(sc match.Scored) string {
	var parts []string
	for _, r := range sc.Reasons {
		s := r.Code
		if r.Detail != "" {
			s += ":" + r.Detail
		}
		if r.Value != 0 {
			s += fmt.Sprintf("(%.2f)", r.Value)
		}
		parts = append(parts, fmt.Sprintf("%s%+d", s, r.Points))
	}
	return fmt.Sprintf("%d = %s", sc.Score, strings.Join(parts, " "))
}

func TestScoreParts(t *testing.T) {
	tests := []struct {
		name   string
		change func(*match.Need, *match.Resource)
		want   string // "" when ineligible
	}{
		{"base", func(*match.Need, *match.Resource) {},
			"936 = category+400 area:residential+250 distance(0.80)+96 time(1.00)+120 capacity(0.60)+30 urgency:normal+40"},
		{"category not served", func(n *match.Need, _ *match.Resource) { n.Category = "legal" }, ""},
		{"outside the served street", func(n *match.Need, _ *match.Resource) { n.Path = "/310104/310104002/310104002001/" }, ""},
		{"served path is a whole segment, not a string prefix", func(n *match.Need, r *match.Resource) {
			r.ServesPath = "/310104/310104001"
			n.Path = "/310104/3101040011/"
		}, ""},
		{"windows never meet", func(_ *match.Need, r *match.Resource) { r.Windows = windows(t, "6,7 08:00-12:00") }, ""},
		{"no slot left", func(_ *match.Need, r *match.Resource) { r.Slots = 0 }, ""},
		{"same street", func(n *match.Need, _ *match.Resource) { n.Path = "/310104/310104001/310104001002/" },
			"836 = category+400 area:street+150 distance(0.80)+96 time(1.00)+120 capacity(0.60)+30 urgency:normal+40"},
		{"same district only", func(n *match.Need, r *match.Resource) {
			r.ServesPath = "/310104/"
			n.Path = "/310104/310104002/310104002001/"
		}, "736 = category+400 area:district+50 distance(0.80)+96 time(1.00)+120 capacity(0.60)+30 urgency:normal+40"},
		{"need in a grid of the resource's residential area", func(n *match.Need, _ *match.Resource) {
			n.Path = "/310104/310104001/310104001001/31010400100101/"
		}, "936 = category+400 area:residential+250 distance(0.80)+96 time(1.00)+120 capacity(0.60)+30 urgency:normal+40"},
		{"paths written without the final slash", func(n *match.Need, r *match.Resource) {
			n.Path = "/310104/310104001/310104001001"
			r.Path = "/310104/310104001/310104001001"
		}, "936 = category+400 area:residential+250 distance(0.80)+96 time(1.00)+120 capacity(0.60)+30 urgency:normal+40"},
		{"resource's place unknown", func(_ *match.Need, r *match.Resource) { r.Path, r.Lat, r.Lng = "", 0, 0 },
			"590 = category+400 time(1.00)+120 capacity(0.60)+30 urgency:normal+40"},
		{"need not on the map", func(n *match.Need, _ *match.Resource) { n.Lat, n.Lng = 0, 0 },
			"840 = category+400 area:residential+250 time(1.00)+120 capacity(0.60)+30 urgency:normal+40"},
		{"beyond 4 km: distance shown, no points", func(_ *match.Need, r *match.Resource) { r.Lat = 31.19 + metresNorth(5000) },
			"840 = category+400 area:residential+250 distance(5.00)+0 time(1.00)+120 capacity(0.60)+30 urgency:normal+40"},
		{"half the need's time covered", func(_ *match.Need, r *match.Resource) { r.Windows = windows(t, "1-5 21:00-24:00") },
			"876 = category+400 area:residential+250 distance(0.80)+96 time(0.50)+60 capacity(0.60)+30 urgency:normal+40"},
		{"resource any time", func(_ *match.Need, r *match.Resource) { r.Windows = nil },
			"936 = category+400 area:residential+250 distance(0.80)+96 time(1.00)+120 capacity(0.60)+30 urgency:normal+40"},
		{"need any time", func(n *match.Need, _ *match.Resource) { n.Windows = nil },
			"936 = category+400 area:residential+250 distance(0.80)+96 time(1.00)+120 capacity(0.60)+30 urgency:normal+40"},
		{"high urgency", func(n *match.Need, _ *match.Resource) { n.Urgency = 2 },
			"976 = category+400 area:residential+250 distance(0.80)+96 time(1.00)+120 capacity(0.60)+30 urgency:high+80"},
		{"low urgency", func(n *match.Need, _ *match.Resource) { n.Urgency = 0 },
			"896 = category+400 area:residential+250 distance(0.80)+96 time(1.00)+120 capacity(0.60)+30"},
		{"one slot, capacity unknown", func(_ *match.Need, r *match.Resource) { r.Slots, r.Capacity = 1, 0 },
			"916 = category+400 area:residential+250 distance(0.80)+96 time(1.00)+120 capacity(1.00)+10 urgency:normal+40"},
		{"served path empty: serves where it is", func(n *match.Need, r *match.Resource) {
			r.ServesPath = ""
			n.Path = "/310104/310104001/310104001002/"
		}, ""},
		{"served path the root: serves everywhere", func(n *match.Need, r *match.Resource) {
			r.ServesPath = "/"
			n.Path = "/310105/"
		}, "686 = category+400 distance(0.80)+96 time(1.00)+120 capacity(0.60)+30 urgency:normal+40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, r := baseCase(t)
			tt.change(&n, &r)
			sc, ok := match.Score(n, r)
			if tt.want == "" {
				if ok {
					t.Fatalf("eligible, want not: %s", describe(sc))
				}
				return
			}
			if !ok {
				t.Fatal("not eligible")
			}
			if got := describe(sc); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if sc.ResourceID != r.ID || sc.Score > match.MaxScore {
				t.Errorf("resource %d, score %d", sc.ResourceID, sc.Score)
			}
		})
	}
}

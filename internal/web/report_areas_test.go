package web

import (
	"slices"
	"strings"
	"testing"
)

// TestMatchAreas: what residents type finds the area they mean, or the few
// it could be, best first.
func TestMatchAreas(t *testing.T) {
	area := func(code, zh, en string) reportArea {
		a := reportArea{Code: code, Label: zh, labelZH: zh, labelEN: en, names: strings.Split(zh, " / ")}
		parts := strings.Split(zh, " / ")
		a.own = []string{parts[len(parts)-1]}
		if en != "" {
			ep := strings.Split(en, " / ")
			a.own, a.names = append(a.own, ep[len(ep)-1]), append(a.names, ep...)
		}
		return a
	}
	all := []reportArea{
		area("101", "湖南路街道 / 东湖居民区", "Hunan Road Subdistrict / Donghu Residential Area"),
		area("10101", "湖南路街道 / 东湖居民区 / 第1网格", "Hunan Road Subdistrict / Donghu Residential Area / Grid 1"),
		area("102", "湖南路街道 / 东湖西居民区", "Hunan Road Subdistrict / Donghu West Residential Area"),
		area("10201", "湖南路街道 / 东湖西居民区 / 第1网格", ""),
		area("10110", "湖南路街道 / 东湖居民区 / 第10网格", "Hunan Road Subdistrict / Donghu Residential Area / Grid 10"),
		area("103", "湖南路街道 / 湖南居民区", ""),
		area("201", "天平路街道 / 东湖居民区", ""), // the same name in another street
		area("202", "天平路街道 / 建国居民区", ""),
	}
	codes := func(as []reportArea) []string {
		out := []string{}
		for _, a := range as {
			out = append(out, a.Code)
		}
		return out
	}
	for _, c := range []struct {
		text string
		best []string // the areas the text resolves to (one) or offers (several)
		all  []string // every match, best first
	}{
		{"湖南 东湖", []string{"101"}, []string{"101", "10101", "10110", "102", "10201"}},
		{"东湖", []string{"101", "201"}, []string{"101", "201", "10101", "10110", "102", "10201"}},
		{"湖南路街道 东湖居民区", []string{"101"}, nil},
		{"湖南路街道 / 东湖居民区", []string{"101"}, nil}, // a suggestion, chosen
		{"湖南路街道/东湖居民区/第1网格", []string{"10101"}, nil},
		{"东湖 第1网格", []string{"10101"}, nil},
		{"东湖西", []string{"102"}, nil},
		{"东湖西居委会", []string{"102"}, nil},
		{"湖南 东湖小区", []string{"101"}, nil},
		{"湖南", []string{"103"}, nil}, // the area named so before the street's others
		{"天平 东湖", []string{"201"}, []string{"201"}},
		{"建国", []string{"202"}, []string{"202"}},
		{"第1网格", []string{"10101", "10201"}, []string{"10101", "10201"}},
		{"donghu west", []string{"102"}, nil},
		{"Donghu", []string{"101"}, nil},
		{"donghu grid 1", []string{"10101"}, nil},
		{"Hunan Road Subdistrict / Donghu Residential Area / Grid 1", []string{"10101"}, nil},
		{"10101", []string{"10101"}, nil}, // a code typed (the form sent by a script)
		{"静安", []string{}, []string{}},
		{"", []string{}, []string{}},
		{"  ", []string{}, []string{}},
	} {
		found, best := matchAreas(all, c.text)
		if got := codes(found[:best]); !slices.Equal(got, c.best) {
			t.Errorf("%q resolves to %v, want %v", c.text, got, c.best)
		}
		if got := codes(found); c.all != nil && !slices.Equal(got, c.all) {
			t.Errorf("%q matches %v, want %v", c.text, got, c.all)
		}
	}
	if found, _ := matchAreas(all, strings.Repeat("东", pickMaxQ+1)); len(found) != 0 {
		t.Errorf("a text longer than any name matched %d areas", len(found))
	}
}

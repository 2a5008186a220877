package db

import "testing"

func TestIsSelect(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT 1":                              true,
		"  select count(*) FROM x":              true,
		"\n\t(SELECT 1) UNION (SELECT 2)":       true,
		"INSERT INTO x VALUES (1) RETURNING id": false,
		"UPDATE x SET a = 1 RETURNING a":        false,
		"WITH t AS (SELECT 1) SELECT * FROM t":  false, // may hide a write: the writers run it
		"sel":                                   false,
		"":                                      false,
	} {
		if got := isSelect(q); got != want {
			t.Errorf("isSelect(%q) = %v, want %v", q, got, want)
		}
	}
}

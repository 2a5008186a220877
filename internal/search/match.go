package search

import (
	"encoding/hex"
	"strings"

	"gongzhi/internal/db"
)

// Filters are index tokens too, so a search with filters is one index
// look-up: a record carries a token for each thing a list filters on (its
// area and every ancestor, its status, its category…), made of ASCII
// letters and digits that no text token can be (text tokens are Han pairs
// or lower-case words; the kind letter and hex keep them apart).

// Tag is the token of a filter value: a kind letter and the value in hex,
// so any value (a category code, a channel) makes a token.
func Tag(kind, v string) string { return kind + hex.EncodeToString([]byte(v)) }

// PathTag is the token of an area subtree: a record carries one for its area
// and one for each ancestor (ScopeTokens).
func PathTag(path string) string { return Tag("p", path) }

// ScopeTokens are the tokens of an area path: one for the area and one for
// each ancestor (/310104/001/ → the tokens of /310104/ and /310104/001/).
// The migrations build the same in SQL for demands; a test compares.
func ScopeTokens(path string) string {
	var out []string
	for i := 1; i < len(path); i++ {
		if path[i] == '/' {
			out = append(out, PathTag(path[:i+1]))
		}
	}
	return strings.Join(out, " ")
}

// Expr is the index query for search terms (all must match, in textCol)
// and groups of filter tokens (one of each group must match, in tagCol):
// FTS5 syntax on SQLite, a tsquery on PostgreSQL, where text and tokens are
// one vector and the columns are not named.
func Expr(d db.Dialect, textCol, tagCol string, terms []string, tags [][]string) string {
	pg := d == db.Postgres
	and, or := " AND ", " OR "
	if pg {
		and, or = " & ", " | "
	}
	column := func(col, expr string) string {
		if pg {
			return expr
		}
		return col + " : " + expr
	}
	var parts []string
	if len(terms) > 0 {
		words := make([]string, len(terms))
		for i, t := range terms {
			if pg {
				words[i] = "'" + strings.ReplaceAll(t, "'", "''") + "'"
			} else {
				words[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
			}
		}
		parts = append(parts, column(textCol, "("+strings.Join(words, and)+")"))
	}
	for _, group := range tags {
		if len(group) == 0 {
			continue
		}
		alts := make([]string, len(group))
		for i, t := range group { // tokens are ASCII letters and digits
			if alts[i] = t; pg {
				alts[i] = "'" + t + "'"
			}
		}
		parts = append(parts, column(tagCol, "("+strings.Join(alts, or)+")"))
	}
	return strings.Join(parts, and)
}

// Match is the condition "the record idCol matches the expression (the
// argument, from Expr)" for an index kept as the FTS5 table ftsTable on
// SQLite (rowid = the record's id) and as the tsvector column tsvCol on
// PostgreSQL.
func Match(d db.Dialect, idCol, ftsTable, tsvCol string) string {
	if d == db.Postgres {
		return tsvCol + " @@ to_tsquery('simple', ?)"
	}
	return idCol + " IN (SELECT rowid FROM " + ftsTable + " WHERE " + ftsTable + " MATCH ?)"
}

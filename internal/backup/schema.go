package backup

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// derived are columns one engine keeps for its own search and the other
// lacks: never carried, rebuilt after a load (rebuildSearch). Generated
// columns (PostgreSQL's search vectors) and full-text tables are left out
// by their kind.
var derived = map[string]bool{
	"areas.scope_tokens": true, // SQLite: the area's index tokens, from its ancestors' paths
}

// skipped are tables that are not the district's data: goose's record of
// applied migrations (a restore runs the migrations itself).
var skipped = map[string]bool{"goose_db_version": true}

// tables reads the carried tables of q's database with their columns, keys
// and references, in dependency order: a table comes after those it refers to.
func tables(ctx context.Context, q db.Querier) ([]*Table, error) {
	names, err := tableNames(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []*Table
	for _, n := range names {
		t, err := describe(ctx, q, n)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return dependencyOrder(out), nil
}

func tableNames(ctx context.Context, q db.Querier) ([]string, error) {
	// SQLite's table list tells full-text tables (virtual) and their
	// storage (shadow) from ordinary ones.
	query := "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name"
	if q.D() == db.Postgres {
		query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
	}
	names, err := strings1(ctx, q, query)
	if err != nil {
		return nil, errs.Wrap(err, "list tables")
	}
	return slices.DeleteFunc(names, func(n string) bool { return skipped[n] }), nil
}

// strings1 reads a one-column list of text.
func strings1(ctx context.Context, q db.Querier, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// describe reads one table's carried columns, primary key, references and
// id column.
func describe(ctx context.Context, q db.Querier, name string) (*Table, error) {
	t := &Table{Name: name}
	var err error
	if q.D() == db.Postgres {
		err = describePostgres(ctx, q, t)
	} else {
		err = describeSQLite(ctx, q, t)
	}
	if err != nil {
		return nil, errs.Wrap(err, "describe table "+name)
	}
	if len(t.Columns) == 0 {
		return nil, errs.Wrap(fmt.Errorf("no columns"), "describe table "+name)
	}
	return t, nil
}

func describeSQLite(ctx context.Context, q db.Querier, t *Table) error {
	rows, err := q.Query(ctx, "SELECT name, type, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid", t.Name)
	if err != nil {
		return err
	}
	type keyCol struct {
		name string
		pos  int
		typ  string
	}
	var keys []keyCol
	for rows.Next() {
		var name, typ string
		var pk, hidden int
		if err := rows.Scan(&name, &typ, &pk, &hidden); err != nil {
			rows.Close()
			return err
		}
		if pk > 0 {
			keys = append(keys, keyCol{name, pk, typ})
		}
		if hidden != 0 || derived[t.Name+"."+name] { // 2, 3: generated columns
			continue
		}
		k, ok := kindOf(db.SQLite, typ)
		if !ok {
			rows.Close()
			return fmt.Errorf("column %s has type %q, which a backup cannot carry", name, typ)
		}
		t.Columns = append(t.Columns, Column{Name: name, Kind: k})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	slices.SortFunc(keys, func(a, b keyCol) int { return a.pos - b.pos })
	for _, k := range keys {
		t.Key = append(t.Key, k.name)
	}
	if len(keys) == 1 && strings.EqualFold(keys[0].typ, "INTEGER") {
		t.serial = keys[0].name // the rowid: new rows get the largest + 1
	}
	refs, err := strings1(ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?) ORDER BY 1`, t.Name)
	for _, r := range refs {
		t.addRef(r)
	}
	return err
}

func describePostgres(ctx context.Context, q db.Querier, t *Table) error {
	rows, err := q.Query(ctx, `SELECT column_name, data_type, is_generated FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`, t.Name)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name, typ, generated string
		if err := rows.Scan(&name, &typ, &generated); err != nil {
			rows.Close()
			return err
		}
		if generated == "ALWAYS" || derived[t.Name+"."+name] {
			continue
		}
		k, ok := kindOf(db.Postgres, typ)
		if !ok {
			rows.Close()
			return fmt.Errorf("column %s has type %q, which a backup cannot carry", name, typ)
		}
		t.Columns = append(t.Columns, Column{Name: name, Kind: k})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	const rel = "(quote_ident(current_schema()) || '.' || quote_ident(?))::regclass"
	if t.Key, err = strings1(ctx, q, `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
		WHERE i.indrelid = `+rel+` AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`, t.Name); err != nil {
		return err
	}
	if len(t.Key) == 1 {
		var seq sql.NullString
		if err := q.QueryRow(ctx, "SELECT pg_get_serial_sequence(?, ?)", t.Name, t.Key[0]).Scan(&seq); err != nil {
			return err
		}
		if seq.Valid {
			t.serial = t.Key[0]
		}
	}
	refs, err := strings1(ctx, q, `SELECT DISTINCT r.relname FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid
		WHERE c.contype = 'f' AND c.conrelid = `+rel+` ORDER BY 1`, t.Name)
	for _, r := range refs {
		t.addRef(r)
	}
	return err
}

// addRef records that t refers to table.
func (t *Table) addRef(table string) {
	if table != t.Name && !slices.Contains(t.refs, table) {
		t.refs = append(t.refs, table)
	}
}

// kindOf maps a declared type to the kind of its values.
func kindOf(d db.Dialect, typ string) (Kind, bool) {
	typ = strings.ToUpper(typ)
	if d == db.Postgres {
		switch typ {
		case "BIGINT", "INTEGER", "SMALLINT":
			return Int, true
		case "TEXT", "CHARACTER VARYING", "CHARACTER":
			return Text, true
		case "BOOLEAN":
			return Bool, true
		case "TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITHOUT TIME ZONE":
			return Time, true
		case "DOUBLE PRECISION", "REAL":
			return Float, true
		case "BYTEA":
			return Bytes, true
		}
		return "", false
	}
	// SQLite's declared types, read as its affinity rules read them, with
	// the two it has no storage class for (booleans, times) named first.
	switch {
	case strings.Contains(typ, "BOOL"):
		return Bool, true
	case strings.Contains(typ, "TIMESTAMP"), strings.Contains(typ, "DATETIME"):
		return Time, true
	case strings.Contains(typ, "INT"):
		return Int, true
	case strings.Contains(typ, "CHAR"), strings.Contains(typ, "CLOB"), strings.Contains(typ, "TEXT"):
		return Text, true
	case strings.Contains(typ, "BLOB"):
		return Bytes, true
	case strings.Contains(typ, "REAL"), strings.Contains(typ, "FLOA"), strings.Contains(typ, "DOUB"):
		return Float, true
	}
	return "", false
}

// dependencyOrder puts each table after the tables it refers to, otherwise
// by name. Tables that refer to each other in a ring (none today) keep
// name order: SQLite defers the check to the commit, PostgreSQL names the
// row that breaks it.
func dependencyOrder(ts []*Table) []*Table {
	byName := map[string]*Table{}
	for _, t := range ts {
		byName[t.Name] = t
	}
	placed := map[string]bool{}
	var out []*Table
	for len(out) < len(ts) {
		progress := false
		for _, t := range ts {
			if placed[t.Name] {
				continue
			}
			ready := true
			for _, r := range t.refs {
				if byName[r] != nil && !placed[r] {
					ready = false
					break
				}
			}
			if ready {
				placed[t.Name] = true
				out = append(out, t)
				progress = true
			}
		}
		if !progress {
			for _, t := range ts {
				if !placed[t.Name] {
					placed[t.Name] = true
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// quote quotes an identifier for both engines.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// selectRows is the query reading t's carried columns in key order. Text
// keys sort by byte on both engines (PostgreSQL: COLLATE "C"), so both read
// rows in the same order and their checksums compare.
func selectRows(d db.Dialect, t *Table) string {
	cols := make([]string, len(t.Columns))
	kinds := map[string]Kind{}
	for i, c := range t.Columns {
		cols[i] = quote(c.Name)
		kinds[c.Name] = c.Kind
	}
	key := t.Key
	if len(key) == 0 {
		for _, c := range t.Columns {
			key = append(key, c.Name)
		}
	}
	order := make([]string, len(key))
	for i, k := range key {
		order[i] = quote(k)
		if d == db.Postgres && kinds[k] == Text {
			order[i] += ` COLLATE "C"`
		}
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + quote(t.Name) + " ORDER BY " + strings.Join(order, ", ")
}

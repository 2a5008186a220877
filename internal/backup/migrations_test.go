package backup_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestMigrationsKeepRows runs every migration, one at a time, on a database
// holding rows in every table, on both engines: "upgrading is replace the
// binary and restart" holds only if no migration loses a user's row. Each
// table gets rows the moment a migration creates it (so every later
// migration meets it filled); after each step every table of the step
// before is still there with as many rows. Tables of derived figures may
// gain rows (a migration computing rollups for older demands); the one
// table ever dropped is listed with where its rows went.
//
// The rows are written from the tables' own descriptions (columns, types,
// references) with the values the CHECKs and triggers want named below, so
// a new migration's tables are seeded without a change here; one with a new
// CHECK list or trigger may need a line in seedValues.
func TestMigrationsKeepRows(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn, dir := testkit.NewDSN(t, eng)
			d, err := db.Connect(ctx, dsn, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			start := time.Now()
			var before map[string]int64
			for _, v := range migrationVersions(t) {
				if err := d.MigrateTo(ctx, v); err != nil {
					t.Fatalf("migration %d on a database holding rows: %v", v, err)
				}
				after := rowCounts(t, d)
				for table, n := range before {
					m, ok := after[table]
					switch {
					case !ok && droppedTables[table] != "":
					case !ok:
						t.Errorf("migration %d dropped table %s holding %d rows", v, table, n)
					case m < n || m != n && !derivedTables[table]:
						t.Errorf("migration %d: table %s went from %d rows to %d", v, table, n, m)
					}
				}
				var fresh []string
				for table := range after {
					if _, ok := before[table]; !ok {
						fresh = append(fresh, table)
					}
				}
				for _, table := range seedOrder(t, d, fresh) {
					seedTable(t, d, table)
				}
				before = rowCounts(t, d)
			}
			for table, n := range before {
				if n == 0 {
					t.Errorf("table %s holds no rows at the newest schema: the test did not seed it", table)
				}
			}
			t.Logf("%d tables through every migration in %.1fs", len(before), time.Since(start).Seconds())
		})
	}
}

// droppedTables are the tables a migration removes, with where their rows went.
var droppedTables = map[string]string{
	"timers": "00014: pending timers became jobs",
}

// derivedTables hold figures or work computed from other rows, which a
// migration may add to.
var derivedTables = map[string]bool{
	"demand_rollups": true, "demand_rollups_monthly": true, // 00007, 00017, 00019: rollups for the demands already there
	"jobs":        true, // 00014: pending timers and outbox rows became jobs
	"search_docs": true, // the shared search index, filled for records already there
}

func migrationVersions(t *testing.T) []int64 {
	names, err := db.MigrationNames(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, n := range names {
		num, _, _ := strings.Cut(n, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			t.Fatalf("migration %s: %v", n, err)
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// rowCounts counts the rows of every ordinary table (not goose's own, not
// SQLite's full-text tables and their storage).
func rowCounts(t *testing.T, d *db.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	q := "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite%' AND name <> 'goose_db_version'"
	if d.Dialect == db.Postgres {
		q = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'goose_db_version'"
	}
	names := column[string](t, d, q)
	out := map[string]int64{}
	for _, n := range names {
		var c int64
		if err := d.QueryRow(ctx, `SELECT count(*) FROM "`+n+`"`).Scan(&c); err != nil {
			t.Fatalf("count %s: %v", n, err)
		}
		out[n] = c
	}
	return out
}

func column[T any](t *testing.T, d *db.DB, q string, args ...any) []T {
	t.Helper()
	rows, err := d.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// col is a column as the seed needs it.
type col struct {
	name, typ       string
	notNull, hasDef bool
	auto            bool   // the id the database hands out
	refTable        string // a reference: table and column
	refCol          string
}

func describeCols(t *testing.T, d *db.DB, table string) []col {
	t.Helper()
	ctx := context.Background()
	var cols []col
	refs := map[string][2]string{}
	if d.Dialect == db.SQLite {
		rows, err := d.Query(ctx, `SELECT name, type, "notnull", dflt_value IS NOT NULL, pk, hidden,
			(SELECT count(*) FROM pragma_table_info(?) WHERE pk > 0) FROM pragma_table_xinfo(?) ORDER BY cid`, table, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c col
			var pk, hidden, pks int
			if err := rows.Scan(&c.name, &c.typ, &c.notNull, &c.hasDef, &pk, &hidden, &pks); err != nil {
				t.Fatal(err)
			}
			if hidden != 0 {
				continue
			}
			c.auto = pk == 1 && pks == 1 && strings.EqualFold(c.typ, "INTEGER")
			c.notNull = c.notNull || pk > 0 // SQLite lets a TEXT key be NULL
			cols = append(cols, c)
		}
		rows.Close()
		rows, err = d.Query(ctx, `SELECT "from", "table", coalesce("to", '') FROM pragma_foreign_key_list(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var from, ref, to string
			if err := rows.Scan(&from, &ref, &to); err != nil {
				t.Fatal(err)
			}
			refs[from] = [2]string{ref, to}
		}
		rows.Close()
	} else {
		rows, err := d.Query(ctx, `SELECT column_name, data_type, is_nullable = 'NO', column_default IS NOT NULL OR is_identity = 'YES', is_identity = 'YES'
			FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND is_generated <> 'ALWAYS' ORDER BY ordinal_position`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c col
			if err := rows.Scan(&c.name, &c.typ, &c.notNull, &c.hasDef, &c.auto); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		rows.Close()
		rows, err = d.Query(ctx, `SELECT a.attname, r.relname, ra.attname FROM pg_constraint c
			JOIN pg_class r ON r.oid = c.confrelid
			CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, rcol)
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
			JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.rcol
			WHERE c.contype = 'f' AND c.conrelid = (quote_ident(current_schema()) || '.' || quote_ident(?))::regclass`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var from, ref, to string
			if err := rows.Scan(&from, &ref, &to); err != nil {
				t.Fatal(err)
			}
			refs[from] = [2]string{ref, to}
		}
		rows.Close()
	}
	for i := range cols {
		if r, ok := refs[cols[i].name]; ok {
			cols[i].refTable, cols[i].refCol = r[0], r[1]
		}
	}
	return cols
}

// seedOrder puts the new tables after those they refer to.
func seedOrder(t *testing.T, d *db.DB, tables []string) []string {
	slices.Sort(tables)
	deps := map[string][]string{}
	for _, tb := range tables {
		for _, c := range describeCols(t, d, tb) {
			if c.refTable != "" && c.refTable != tb {
				deps[tb] = append(deps[tb], c.refTable)
			}
		}
	}
	var out []string
	placed := map[string]bool{}
	for len(out) < len(tables) {
		progress := false
		for _, tb := range tables {
			if placed[tb] {
				continue
			}
			ready := true
			for _, r := range deps[tb] {
				if slices.Contains(tables, r) && !placed[r] {
					ready = false
				}
			}
			if ready {
				placed[tb], progress = true, true
				out = append(out, tb)
			}
		}
		if !progress {
			t.Fatalf("tables refer to each other in a ring: %v", tables)
		}
	}
	return out
}

// seedRows is how many rows each table gets.
const seedRows = 3

// seedBase is the time of the seed's first row.
var seedBase = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// seedValues are the values the schema's CHECKs, triggers and migrations
// want, by table.column, for row i.
var seedValues = map[string]func(i int) any{
	"areas.code":        func(i int) any { return []string{"310104", "310104001", "310104001001"}[i] },
	"areas.parent_code": func(i int) any { return []any{nil, "310104", "310104001"}[i] },
	"areas.level":       func(i int) any { return []string{"district", "street", "residential"}[i] },
	"areas.path":        func(i int) any { return []string{"/310104/", "/310104/001/", "/310104/001/001/"}[i] },
	"areas.name":        func(i int) any { return []string{"徐汇区", "湖南路街道", "东湖居民区"}[i] },

	"units.kind":                    func(i int) any { return "shop" },
	"council_members.role":          func(i int) any { return "member" },
	"survey_answers.aware_members":  func(i int) any { return i % 2 },
	"survey_answers.aware_office":   func(i int) any { return i % 2 },
	"survey_answers.aware_work":     func(i int) any { return i % 2 },
	"survey_answers.part_activity":  func(i int) any { return i % 2 },
	"survey_answers.part_meeting":   func(i int) any { return i % 2 },
	"survey_answers.part_vote":      func(i int) any { return i % 2 },
	"alliance_members.kind":         func(i int) any { return "person" },
	"cadres.kind":                   func(i int) any { return "secretary" },
	"assoc_bodies.kind":             func(i int) any { return "committee" },
	"calendar_days.kind":            func(i int) any { return "holiday" },
	"inbox.kind":                    func(i int) any { return "info" },
	"jobs.state":                    func(i int) any { return []string{"pending", "done", "dead"}[i] },
	"jobs.args":                     func(i int) any { return "{}" },
	"demands.status":                func(i int) any { return []string{"new", "processing", "closed"}[i] },
	"demands.channel":               func(i int) any { return "hotline" },
	"demands.attributes":            func(i int) any { return "{}" },
	"needs.urgency":                 func(i int) any { return "normal" },
	"resources.kind":                func(i int) any { return "venue" },
	"resources.provider_kind":       func(i int) any { return "unit" },
	"resources.capacity":            func(i int) any { return 10 },
	"resources.capacity_unit":       func(i int) any { return "people" },
	"matches.amount":                func(i int) any { return 1 },
	"projects.domain":               func(i int) any { return "livelihood" },
	"projects.level":                func(i int) any { return "street" },
	"list_events.entity":            func(i int) any { return "need" },
	"project_ratings.score":         func(i int) any { return 4 },
	"fund_disbursements.amount_fen": func(i int) any { return 1000 },
	"fund_disbursements.status":     func(i int) any { return "proposed" },
	"fund_entries.direction":        func(i int) any { return "in" },
	"fund_entries.source":           func(i int) any { return "government" },
	"fund_entries.amount_fen":       func(i int) any { return 5000 },
	"fund_entries.project_id":       func(i int) any { return nil },
	"fund_entries.disbursement_id":  func(i int) any { return nil },
	"fund_entries.reverses_id":      func(i int) any { return nil },
	"bookings.status":               func(i int) any { return "confirmed" },
	"bookings.starts_at":            func(i int) any { return seedBase.Add(time.Duration(i) * 24 * time.Hour) },
	"bookings.ends_at":              func(i int) any { return seedBase.Add(time.Duration(i)*24*time.Hour + 2*time.Hour) },
}

// seedTable writes seedRows rows into table.
func seedTable(t *testing.T, d *db.DB, table string) {
	t.Helper()
	ctx := context.Background()
	cols := describeCols(t, d, table)
	for i := range seedRows {
		var names, marks []string
		var args []any
		var areaPath any
		for _, c := range cols {
			if c.auto {
				continue
			}
			v, ok := seedValue(t, d, table, c, i)
			if !ok {
				continue
			}
			if c.refTable == "areas" && c.refCol == "code" && c.name == "area_code" {
				areaPath = pathOf(t, d, v)
			}
			names, marks, args = append(names, `"`+c.name+`"`), append(marks, "?"), append(args, v)
		}
		if areaPath != nil { // a row's area path is its area's
			if k := slices.Index(names, `"area_path"`); k >= 0 {
				args[k] = areaPath
			}
		}
		q := fmt.Sprintf(`INSERT INTO "%s" (%s) VALUES (%s)`, table, strings.Join(names, ", "), strings.Join(marks, ", "))
		if _, err := d.Exec(ctx, q, args...); err != nil {
			t.Fatalf("seed %s row %d: %v\n%s %v", table, i, err, q, args)
		}
	}
}

// seedValue is column c's value in row i; ok is false to leave it to its default.
func seedValue(t *testing.T, d *db.DB, table string, c col, i int) (any, bool) {
	if f, ok := seedValues[table+"."+c.name]; ok {
		return f(i), true
	}
	if c.refTable != "" {
		if c.refTable == table {
			return nil, true // the first rows of a tree are its roots
		}
		refs := column[any](t, d, fmt.Sprintf(`SELECT "%s" FROM "%s" ORDER BY 1`, c.refCol, c.refTable))
		if len(refs) == 0 {
			if c.notNull {
				t.Fatalf("seed %s.%s: %s holds no rows to refer to", table, c.name, c.refTable)
			}
			return nil, true
		}
		return refs[i%len(refs)], true
	}
	if !c.notNull || c.hasDef {
		return nil, false
	}
	typ := strings.ToLower(c.typ)
	switch {
	case c.name == "area_path":
		return "/310104/001/001/", true
	case strings.Contains(typ, "bool"):
		return i%2 == 1, true
	case strings.Contains(typ, "timestamp"), strings.Contains(typ, "date"):
		return seedBase.Add(time.Duration(i) * time.Hour), true
	case strings.Contains(typ, "int"):
		return int64(i + 1), true
	case strings.Contains(typ, "double"), strings.Contains(typ, "real"), strings.Contains(typ, "float"):
		return 1.5 + float64(i), true
	case strings.Contains(typ, "blob"), strings.Contains(typ, "bytea"):
		return []byte{0xff, 0xd8, byte(i)}, true
	}
	return fmt.Sprintf("%s %d", c.name, i+1), true
}

// pathOf is the path of the area with code.
func pathOf(t *testing.T, d *db.DB, code any) any {
	var p sql.NullString
	if err := d.QueryRow(context.Background(), "SELECT path FROM areas WHERE code = ?", code).Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p.String
}

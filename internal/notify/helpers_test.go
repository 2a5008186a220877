package notify_test

import (
	"context"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

// env is a fixture district with a notify service on a fake clock.
type env struct {
	f     *testkit.Fixture
	db    *db.DB
	clock *clock.Fake
	svc   *notify.Service
	admin *auth.Principal
}

func newEnv(t *testing.T, d *db.DB, o notify.Options) *env {
	t.Helper()
	f := testkit.NewFixture(t, d)
	c := testkit.Clock()
	return &env{f: f, db: d, clock: c, svc: notify.NewService(d, c, o), admin: f.Users[auth.DistrictAdmin]}
}

// staff creates a user with one grant and signs them in.
func (e *env) staff(t *testing.T, username string, role auth.Role, area string) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	_, err := e.f.Auth.CreateUser(ctx, auth.SystemPrincipal(), auth.NewUser{
		Username: username, DisplayName: username, Password: testkit.Password, Role: string(role), Area: area})
	if err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	_, p, err := e.f.Auth.Login(ctx, username, testkit.Password, "127.0.0.1")
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return p
}

// notify runs Notify in its own transaction, as a service command would.
func (e *env) notify(t *testing.T, n notify.Notice) {
	t.Helper()
	ctx := context.Background()
	if err := e.db.InTx(ctx, func(tx *db.Tx) error { return e.svc.Notify(ctx, tx, n) }); err != nil {
		t.Fatalf("notify: %v", err)
	}
}

// enqueue runs Enqueue in its own transaction.
func (e *env) enqueue(t *testing.T, event string, payload any) {
	t.Helper()
	ctx := context.Background()
	if err := e.db.InTx(ctx, func(tx *db.Tx) error { return e.svc.Enqueue(ctx, tx, event, payload) }); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

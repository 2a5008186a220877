package jobs_test

import (
	"context"
	"encoding/json"
	"testing"

	"gongzhi/internal/db"
	"gongzhi/internal/jobs"
)

func TestHandleDecodesArguments(t *testing.T) {
	type args struct {
		ID int64 `json:"id"`
	}
	var got int64
	h := jobs.Handle(func(_ context.Context, _ *db.Tx, a args) error {
		got = a.ID
		return nil
	})
	if err := h(context.Background(), nil, jobs.Job{Kind: "k", Args: json.RawMessage(`{"id":7}`)}); err != nil || got != 7 {
		t.Errorf("decoded %d, %v; want 7", got, err)
	}
	got = 0
	if err := h(context.Background(), nil, jobs.Job{Kind: "k", Args: json.RawMessage(`{"id":"seven"}`)}); err == nil || got != 0 {
		t.Errorf("arguments that do not decode ran the handler (%d) or passed (%v)", got, err)
	}
	if err := h(context.Background(), nil, jobs.Job{Kind: "k", Args: map[string]int{"id": 7}}); err == nil {
		t.Error("arguments that are not JSON passed")
	}
}

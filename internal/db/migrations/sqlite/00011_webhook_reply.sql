-- +goose Up
-- The delivery log used to keep the start of a failed reply's body
-- ("500 Internal Server Error: <body>"). What a receiver answers is not
-- ours to keep: a webhook aimed at an internal service would have shown
-- its data to whoever reads the log. Keep the status, the way attempts
-- are logged from now on; transport errors (no status) held no reply.
UPDATE webhook_deliveries SET last_error = 'HTTP ' || CAST(last_status_code AS TEXT)
WHERE last_status_code IS NOT NULL AND last_error <> '';

-- +goose Down
-- The reply bodies are gone for good; there is nothing to restore.
SELECT 1;

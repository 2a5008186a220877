-- +goose Up
-- A text message that carries a secret (a one-time survey link, a sign-in
-- code) keeps it only until the gateway took it or the sender gave up: then
-- body becomes redacted, so no row ties the phone to the secret. Empty:
-- the body is kept as sent (a demand's tracking message).
ALTER TABLE sms_outbox ADD COLUMN redacted TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sms_outbox DROP COLUMN redacted;

package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Webhook request headers. Receivers verify the signature over the
// timestamp and the body, and should refuse timestamps too far from their
// own clock (five minutes is usual) so a captured request cannot be replayed.
const (
	HeaderEvent     = "X-Gongzhi-Event"
	HeaderDelivery  = "X-Gongzhi-Delivery"  // delivery id; the same on every retry, for deduplication
	HeaderTimestamp = "X-Gongzhi-Timestamp" // unix seconds when this attempt was sent
	HeaderSignature = "X-Gongzhi-Signature" // sha256=HEX(HMAC-SHA256(secret, timestamp + "." + body))
)

// Sign returns the X-Gongzhi-Signature value for a body sent at timestamp.
// The timestamp is inside the MAC so it cannot be changed to replay a body.
func Sign(secret, timestamp, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature reports whether header is the signature of body sent at
// timestamp under secret, comparing in constant time so the check leaks
// nothing about the right value. For receivers, and for our tests.
func VerifySignature(secret, timestamp, body, header string) bool {
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok || secret == "" || timestamp == "" {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	want, _ := hex.DecodeString(strings.TrimPrefix(Sign(secret, timestamp, body), "sha256="))
	return hmac.Equal(got, want)
}

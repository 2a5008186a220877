package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/argon2"

	"gongzhi/internal/errs"
)

// Hasher hashes passwords with argon2id. Each hash takes Memory KiB, so a
// semaphore bounds how many run at once and a login storm cannot exhaust memory.
type Hasher struct {
	Time     uint32
	Memory   uint32 // KiB
	Threads  uint8
	sem      chan struct{}
	decoy    sync.Once
	decoyEnc string       // a hash no password matches, at this hasher's cost
	verified atomic.Int64 // verifications done, so tests count work instead of timing it
}

// NewHasher returns a hasher with the given cost allowing at most n concurrent hashes.
func NewHasher(time, memoryKiB uint32, n int) *Hasher {
	return &Hasher{Time: time, Memory: memoryKiB, Threads: 1, sem: make(chan struct{}, n)}
}

// DefaultHasher is OWASP's argon2id setting: t=2, 64 MiB (about 150 ms here).
func DefaultHasher() *Hasher { return NewHasher(2, 64*1024, 2) }

// MinPasswordLen is counted in characters, so a Chinese passphrase counts fairly.
const MinPasswordLen = 8

// Hash returns an encoded argon2id hash of pw.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	if n := len([]rune(pw)); n < MinPasswordLen {
		return "", errs.Invalid("password", "password must have at least %d characters", MinPasswordLen)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", errs.Wrap(err, "salt")
	}
	key := argon2.IDKey([]byte(pw), salt, h.Time, h.Memory, h.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.Memory, h.Time, h.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the encoded hash, using the cost stored in it.
func (h *Hasher) Verify(ctx context.Context, encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, nil
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false, nil
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	h.verified.Add(1)
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// VerifyDecoy does the work of one Verify against a hash no password
// matches. Sign-in spends it on unknown and disabled accounts, so how long a
// refusal takes does not tell which usernames exist.
func (h *Hasher) VerifyDecoy(ctx context.Context, pw string) error {
	h.decoy.Do(func() {
		// Random salt and key in the encoding Hash writes: Verify derives a
		// key at this cost as for a real hash, but nothing can match it.
		b := make([]byte, 48)
		rand.Read(b)
		b64 := base64.RawStdEncoding
		h.decoyEnc = fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.Memory, h.Time, h.Threads,
			b64.EncodeToString(b[:16]), b64.EncodeToString(b[16:]))
	})
	_, err := h.Verify(ctx, h.decoyEnc, pw)
	return err
}

// Verified is how many passwords this hasher has checked.
func (h *Hasher) Verified() int64 { return h.verified.Load() }

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return errs.New(errs.ETOOMANY, "server busy, try again")
	}
}

func (h *Hasher) release() { <-h.sem }

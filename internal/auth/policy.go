package auth

import (
	_ "embed"
	"strings"
	"unicode/utf8"

	"gongzhi/internal/errs"
)

// commonPasswords are the passwords tried first by anyone guessing, one a line.
//
//go:embed common_passwords.txt
var commonPasswords string

// CheckPassword is the password policy (密码规则): at least MinPasswordLen
// characters, not one character repeated or only spaces, not among the
// commonest passwords, and not the username or containing it. Every way a
// password is set goes through it.
func CheckPassword(username, pw string) error {
	return checkPassword("password", username, pw)
}

// checkPassword is CheckPassword naming the form field the password came in.
func checkPassword(field, username, pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return errs.Invalid(field, "password must have at least %d characters", MinPasswordLen)
	}
	if strings.TrimSpace(pw) == "" {
		return errs.Invalid(field, "password must not be only spaces")
	}
	if first, _ := utf8.DecodeRuneInString(pw); strings.Trim(pw, string(first)) == "" {
		return errs.Invalid(field, "password must not be one character repeated")
	}
	lower := strings.ToLower(pw)
	if strings.Contains(commonPasswords, "\n"+lower+"\n") {
		return errs.Invalid(field, "this password is among the most common ones; choose another")
	}
	// Containment counts from four characters: two-letter usernames (li, wu)
	// occur inside many good passphrases.
	name := strings.ToLower(username)
	if name != "" && (lower == name || len(name) >= 4 && strings.Contains(lower, name)) {
		return errs.Invalid(field, "password must not contain the username")
	}
	return nil
}

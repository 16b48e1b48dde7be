package auth

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"

	"github.com/pier-analytics/pier"
)

// MinPasswordLength is short enough for a passphrase, long enough to make
// guessing through the throttled login impractical.
const MinPasswordLength = 10

// MaxPasswordLength bounds the work one password can cost: the strength
// check grows faster than its length.
const MaxPasswordLength = 200

// judgedLength is how much of a password the strength check reads.
const judgedLength = 64

// MaxEmailLength is the longest e-mail address there can be (RFC 5321).
const MaxEmailLength = 254

// minScore is zxcvbn's "safely unguessable" (about 10⁸ guesses and up):
// it refuses the leaked-password list zxcvbn ships, common words and
// names, keyboard walks, dates and repeats, and the person's own e-mail.
const minScore = 3

// CheckStrength says in plain words why p is not good enough as a
// password, or returns nil. personal holds what an attacker knows of its
// owner (e-mail, name).
func CheckStrength(p string, personal ...string) error {
	n := utf8.RuneCountInString(p)
	switch {
	case n < MinPasswordLength:
		return pier.Errorf(pier.EInvalid, "A password needs at least %d characters. A few unrelated words make a good one.", MinPasswordLength)
	case n > MaxPasswordLength:
		return pier.Errorf(pier.EInvalid, "A password may have at most %d characters.", MaxPasswordLength)
	case !utf8.ValidString(p):
		return pier.Errorf(pier.EInvalid, "A password must be text.")
	}
	// zxcvbn's work grows fast with length; the first 64 characters
	// decide (a weak start with a long tail is still refused).
	judged := []rune(p)
	if len(judged) > judgedLength {
		p = string(judged[:judgedLength])
	}
	res := zxcvbn.PasswordStrength(p, inputsOf(personal))
	if res.Score >= minScore {
		return nil
	}
	for _, m := range res.Sequence {
		if m.Pattern == "dictionary" && m.DictionaryName == "passwords" && m.J-m.I+1 == len(p) {
			return pier.Errorf(pier.EInvalid, "This is one of the most common passwords, which attackers try first. Choose another; a few unrelated words make a good one.")
		}
		if m.Pattern == "dictionary" && m.DictionaryName == "user_inputs" {
			return pier.Errorf(pier.EInvalid, "This password is too close to your e-mail or name. Choose another; a few unrelated words make a good one.")
		}
	}
	return pier.Errorf(pier.EInvalid, "This password is too easy to guess: it is made of common words, names, dates or keyboard patterns. Add another word or two.")
}

// inputsOf splits e-mails and names into the words zxcvbn should treat as
// known to an attacker.
func inputsOf(personal []string) []string {
	var out []string
	for _, s := range personal {
		s = strings.ToLower(s)
		out = append(out, s)
		out = append(out, strings.FieldsFunc(s, func(r rune) bool { return r == '@' || r == '.' || r == ' ' || r == '-' || r == '_' })...)
	}
	return out
}

// RandomPassword returns a password for one-time use, such as the first
// admin's: 120 random bits.
func RandomPassword() string {
	b := make([]byte, 15)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

package flightsrv

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// A Basic handshake answers a bearer token that Pier signs rather than
// stores: any replica can check it, nothing piles up in the store, and it
// ends with the account's session epoch (a new password, a disabled
// account) or after sessionLife, like a browser session.
const (
	sessionPrefix = "pierfs_"
	sessionLife   = 12 * time.Hour
)

var errBadSession = errors.New("flightsrv: not a valid session token")

type sessions struct{ key []byte }

func newSessions(key []byte) sessions { return sessions{key: key} }

// issue returns a token for the user with this id and session epoch.
func (s sessions) issue(userID string, epoch int64, now time.Time) string {
	payload := userID + "|" + strconv.FormatInt(epoch, 10) + "|" + strconv.FormatInt(now.Add(sessionLife).Unix(), 10)
	enc := base64.RawURLEncoding
	return sessionPrefix + enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(s.sign(payload))
}

// check returns the user id and epoch of a token signed here and not yet
// expired.
func (s sessions) check(token string, now time.Time) (userID string, epoch int64, err error) {
	body, ok := strings.CutPrefix(token, sessionPrefix)
	if !ok {
		return "", 0, errBadSession
	}
	p, sig, ok := strings.Cut(body, ".")
	if !ok {
		return "", 0, errBadSession
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p)
	mac, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.sign(string(payload))) {
		return "", 0, errBadSession
	}
	parts := strings.Split(string(payload), "|")
	if len(parts) != 3 {
		return "", 0, errBadSession
	}
	epoch, err1 = strconv.ParseInt(parts[1], 10, 64)
	expires, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || now.Unix() >= expires {
		return "", 0, errBadSession
	}
	return parts[0], epoch, nil
}

func (s sessions) sign(payload string) []byte {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(payload))
	return mac.Sum(nil)
}

package auth

import (
	"path"
	"strings"
)

// Redacted stands in a logged path for the credential it carried.
const Redacted = "[redacted]"

// credentialPaths are the path prefixes whose next segment is a credential:
// the resident's private tracking link (跟踪链接), on the pages and in the API,
// and the short code's link (/c/{code}, 查询码). Whoever holds the token reads
// the demand and rates it, and the code opens its progress page, so neither
// may reach the logs. A one-time ballot link (/ballot/{token}) votes for a
// household, so it stays out of the logs too.
var credentialPaths = []string{"/t/", "/api/v1/track/", "/c/", "/ballot/", "/api/v1/ballots/"}

// RedactPath returns p ready for a log line: the token of a tracking link
// (and of its attachment and rating paths) is replaced by [redacted]. Other
// paths come back as they are. p is judged cleaned, as the router judges
// it, so "/x/../t/TOKEN" is redacted too.
func RedactPath(p string) string {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && !strings.HasSuffix(c, "/") {
		c += "/"
	}
	for _, pre := range credentialPaths {
		rest, ok := strings.CutPrefix(c, pre)
		if !ok || rest == "" {
			continue
		}
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			return pre + Redacted + rest[i:]
		}
		return pre + Redacted
	}
	return p
}

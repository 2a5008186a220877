package web

import "testing"

func TestLocalPath(t *testing.T) {
	const def = "/home"
	cases := []struct {
		name, next, want string
	}{
		{"root", "/", "/"},
		{"page with query", "/demands?x=1", "/demands?x=1"},
		{"query may hold slashes", "/demands?next=//evil.com", "/demands?next=//evil.com"},
		{"trailing slash kept", "/areas/", "/areas/"},
		{"dot segments cleaned", "/a/./b/../c", "/a/c"},
		{"encoded slash inside a path", "/files/a%2Fb", "/files/a%2Fb"},
		{"empty", "", def},
		{"relative", "demands", def},
		{"protocol-relative", "//evil.com", def},
		{"protocol-relative with path", "//evil.com/x", def},
		{"backslash host", "/\\evil.com", def},
		{"backslash after dot segment", "/./\\evil.com", def},
		{"backslash after parent segment", "/a/../\\evil.com", def},
		{"double backslash", "\\\\evil.com", def},
		{"backslash deep in the path", "/a/b\\c", def},
		{"dot then double slash", "/.//evil.com", "/evil.com"},
		{"encoded backslash", "/%5Cevil.com", def},
		{"encoded backslash lower case", "/%5cevil.com", def},
		{"dot then encoded backslash", "/./%5Cevil.com", def},
		{"encoded slashes", "/%2F%2Fevil.com", def},
		{"encoded slash then slash", "/%2F/evil.com", def},
		{"tab injection", "/\t/evil.com", def},
		{"newline injection", "/\n/evil.com", def},
		{"carriage return injection", "/\r\n/evil.com", def},
		{"tab after slash slash", "/\t\\evil.com", def},
		{"encoded tab", "/%09/evil.com", def},
		{"encoded newline", "/%0A/evil.com", def},
		{"NUL", "/a\x00b", def},
		{"DEL", "/a\x7fb", def},
		{"https", "https://evil.com", def},
		{"http upper case", "HTTP://evil.com/", def},
		{"scheme without slashes", "https:evil.com", def},
		{"javascript", "javascript:alert(1)", def},
		{"data", "data:text/html,x", def},
		{"user info", "//user@evil.com", def},
		{"leading space", " /demands", def},
		{"bad escape", "/a%zz", def},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := localPath(c.next, def); got != c.want {
				t.Errorf("localPath(%q) = %q, want %q", c.next, got, c.want)
			}
		})
	}
}

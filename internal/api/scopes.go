package api

import (
	"strings"
)

// ScopeRule says which scopes the requests of an endpoint need, and which
// spotcli commands send them. A 403 "Insufficient client scope" names the
// rule's scopes and the command that grants them.
type ScopeRule struct {
	Method string // "" matches every method
	// Path is under api_url: "{}" matches one path segment, a final "*"
	// every rest.
	Path string
	// Scopes are what the request needs; where Spotify decides by the
	// object (a public or a private playlist), every one that may be
	// needed. Empty: no scope beyond a user login.
	Scopes []string
	// Commands are the spotcli commands that send the request.
	Commands []string
}

// ScopeRules is the one table of endpoint → scope, for every request a
// spotcli command sends (checked by cmd's tests). The first match wins.
var ScopeRules = []ScopeRule{
	{"GET", "me", []string{"user-read-private", "user-read-email"}, []string{"whoami", "login", "status"}},
	{"GET", "me/playlists", []string{"playlist-read-private", "playlist-read-collaborative"}, []string{"playlists", "export"}},
	{"POST", "me/playlists", []string{"playlist-modify-public", "playlist-modify-private"}, []string{"playlists create", "playlists import"}},
	{"GET", "playlists/{}/items", []string{"playlist-read-private", "playlist-read-collaborative"}, []string{"playlists items", "playlists dedupe", "export"}},
	{"GET", "playlists/{}/tracks", []string{"playlist-read-private", "playlist-read-collaborative"}, []string{"api"}},
	{"", "playlists/{}/items", []string{"playlist-modify-public", "playlist-modify-private"}, []string{"playlists add", "playlists remove", "playlists dedupe", "playlists import"}},
	{"", "playlists/{}/tracks", []string{"playlist-modify-public", "playlist-modify-private"}, []string{"api"}},
	{"PUT", "playlists/{}/images", []string{"ugc-image-upload", "playlist-modify-public", "playlist-modify-private"}, []string{"api"}},
	{"PUT", "playlists/{}", []string{"playlist-modify-public", "playlist-modify-private"}, []string{"api"}},
	{"", "playlists/{}/followers", []string{"playlist-modify-public", "playlist-modify-private"}, []string{"api"}},
	{"GET", "playlists/{}", []string{"playlist-read-private", "playlist-read-collaborative"}, []string{"playlists items", "playlists add", "playlists remove", "playlists dedupe", "export"}},
	{"GET", "me/library/contains", []string{"user-library-read"}, []string{"library", "playlists import"}},
	{"", "me/library", []string{"user-library-modify"}, []string{"library"}},
	{"GET", "me/tracks/contains", []string{"user-library-read"}, []string{"api"}},
	{"GET", "me/{}/contains", []string{"user-library-read"}, []string{"api"}},
	{"GET", "me/tracks", []string{"user-library-read"}, []string{"library", "export"}},
	{"GET", "me/albums", []string{"user-library-read"}, []string{"library", "export"}},
	{"GET", "me/episodes", []string{"user-library-read", "user-read-playback-position"}, []string{"library", "export"}},
	{"GET", "me/shows", []string{"user-library-read"}, []string{"library", "export"}},
	{"GET", "me/audiobooks", []string{"user-library-read"}, []string{"library", "export"}},
	{"", "me/tracks", []string{"user-library-modify"}, []string{"api"}},
	{"", "me/albums", []string{"user-library-modify"}, []string{"api"}},
	{"", "me/episodes", []string{"user-library-modify"}, []string{"api"}},
	{"", "me/shows", []string{"user-library-modify"}, []string{"api"}},
	{"", "me/audiobooks", []string{"user-library-modify"}, []string{"api"}},
	{"GET", "me/following/contains", []string{"user-follow-read"}, []string{"api"}},
	{"GET", "me/following", []string{"user-follow-read"}, []string{"library", "export"}},
	{"", "me/following", []string{"user-follow-modify"}, []string{"api"}},
	{"GET", "me/top/*", []string{"user-top-read"}, []string{"api"}},
	{"GET", "me/player/currently-playing", []string{"user-read-currently-playing"}, []string{"now", "player now"}},
	{"GET", "me/player/recently-played", []string{"user-read-recently-played"}, []string{"player recent"}},
	{"GET", "me/player/queue", []string{"user-read-currently-playing", "user-read-playback-state"}, []string{"player queue"}},
	{"GET", "me/player/devices", []string{"user-read-playback-state"}, []string{"player devices", "player transfer", "player play"}},
	{"GET", "me/player", []string{"user-read-playback-state"}, []string{"player", "player status", "now", "player now", "player volume", "player seek"}},
	{"", "me/player/*", []string{"user-modify-playback-state"}, []string{"player play", "player pause", "player next", "player prev", "player seek", "player volume", "player shuffle", "player repeat", "player queue"}},
	{"PUT", "me/player", []string{"user-modify-playback-state"}, []string{"player transfer"}},
	{"GET", "search", nil, []string{"search", "playlists add", "playlists import"}},
	{"GET", "{}/{}", nil, []string{"api"}}, // tracks/ID, albums/ID, artists/ID...: no scope
}

// NeededScopes is the scopes that method on path (relative to api_url,
// query ignored) needs, and whether the table knows the request.
func NeededScopes(method, path string) ([]string, bool) {
	path, _, _ = strings.Cut(strings.Trim(path, "/"), "?")
	for _, r := range ScopeRules {
		if (r.Method == "" || r.Method == method) && matchPath(r.Path, path) {
			return r.Scopes, true
		}
	}
	return nil, false
}

func matchPath(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	for i, p := range ps {
		if p == "*" {
			return len(xs) > i
		}
		if i >= len(xs) || (p != "{}" && p != xs[i]) {
			return false
		}
	}
	return len(ps) == len(xs)
}

// missingScope reports whether a 403 is Spotify's answer to a token that
// lacks a scope.
func missingScope(e *Error) bool {
	return e.Status == 403 && strings.Contains(strings.ToLower(e.Message), "scope")
}

// ScopeHint is the hint of a 403 for a missing scope that names the scopes
// the request needs and the command that adds them; loginFlags is appended
// to that command (" --profile work").
func ScopeHint(method, path string, need []string, loginFlags string) string {
	return "hint: " + method + " /" + strings.Trim(path, "/") + " needs the " + strings.Join(need, " or ") + " scope, which the login lacks: run spotcli login --add-scopes " + strings.Join(need, ",") + loginFlags
}

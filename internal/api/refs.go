package api

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
)

// Ref names something on Spotify, as a user wrote it: a type and an ID, or a
// keyword the command resolves itself (the player's "current").
type Ref struct {
	Type    string // track, episode, album, artist, playlist, show, audiobook or user
	ID      string
	Keyword string // set instead of Type and ID for a keyword
}

// URI is the ref's Spotify URI (the keyword itself for a keyword).
func (r Ref) URI() string {
	if r.Keyword != "" {
		return r.Keyword
	}
	return "spotify:" + r.Type + ":" + r.ID
}

// refTypes are the URI types Spotify has, and the article of each in
// messages.
var refTypes = map[string]string{
	"track": "a", "episode": "an", "album": "an", "artist": "an", "playlist": "a",
	"show": "a", "audiobook": "an", "user": "a",
}

// Playables are the kinds a playlist holds.
var Playables = []string{"track", "episode"}

// RefParser reads references to Spotify items as a user writes them: URIs
// (spotify:track:ID), open.spotify.com URLs (with ?si=, /intl-xx/ or
// /embed/, with or without the scheme), and bare IDs, which are tracks.
type RefParser struct {
	// Kinds are the types accepted; nil means Playables.
	Kinds []string
	// Keywords are words taken as they are, for the caller to resolve
	// before anything is sent: the hook for the player's "current".
	Keywords []string
	// ShortLinks takes spotify.link share links as keywords too, for the
	// caller to resolve (ShortLinks.Resolve) before anything is sent.
	ShortLinks bool
}

func (p RefParser) kinds() []string {
	if p.Kinds == nil {
		return Playables
	}
	return p.Kinds
}

// Parse reads one reference.
func (p RefParser) Parse(s string) (Ref, error) {
	s = strings.TrimSpace(s)
	if slices.Contains(p.Keywords, s) || p.ShortLinks && IsShortLink(s) {
		return Ref{Keyword: s}, nil
	}
	r, err := parseRef(s)
	if err != nil {
		return Ref{}, err
	}
	if !slices.Contains(p.kinds(), r.Type) {
		return Ref{}, fmt.Errorf("%q is %s %s: only %s can be given here", s, refTypes[r.Type], r.Type, p.kindList())
	}
	return r, nil
}

func (p RefParser) kindList() string {
	var names []string
	for _, k := range p.kinds() {
		names = append(names, k+"s")
	}
	names = append(names, p.Keywords...)
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func parseRef(s string) (Ref, error) {
	const forms = "give a Spotify URI (spotify:track:ID), an https://open.spotify.com/track/ID link or a track's ID (22 letters and digits)"
	switch {
	case s == "":
		return Ref{}, errors.New("empty item: " + forms)
	case strings.HasPrefix(s, "spotify:local:"):
		return Ref{}, fmt.Errorf("%q is a local file: Spotify's Web API cannot add local files", s)
	case strings.HasPrefix(s, "spotify:"):
		parts := strings.Split(s, ":")
		// spotify:user:NAME:playlist:ID is the old form of a playlist URI.
		if len(parts) == 5 && parts[1] == "user" && parts[3] == "playlist" {
			parts = []string{"spotify", "playlist", parts[4]}
		}
		if len(parts) == 3 {
			if r, ok := makeRef(parts[1], parts[2]); ok {
				return r, nil
			}
		}
		return Ref{}, fmt.Errorf("%q is not a Spotify URI: %s", s, forms)
	case strings.Contains(s, "/") || strings.Contains(s, "."):
		return parseLink(s, forms)
	case IsID(s):
		return Ref{Type: "track", ID: s}, nil
	}
	return Ref{}, fmt.Errorf("%q is not a Spotify item: %s", s, forms)
}

func parseLink(s, forms string) (Ref, error) {
	raw := s
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" {
		return Ref{}, fmt.Errorf("%q is not a Spotify link: %s", s, forms)
	}
	host := strings.ToLower(u.Host)
	switch host {
	case "open.spotify.com", "play.spotify.com":
	case "spotify.link", "spotify.app.link":
		return Ref{}, fmt.Errorf("%q is a short share link: open it in a browser and give the open.spotify.com link it leads to", s)
	default:
		return Ref{}, fmt.Errorf("%q is not a Spotify link: %s", s, forms)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) > 0 && strings.HasPrefix(parts[0], "intl-") {
		parts = parts[1:]
	}
	if len(parts) > 0 && (parts[0] == "embed" || parts[0] == "embed-podcast") {
		parts = parts[1:]
	}
	if len(parts) == 4 && parts[0] == "user" && parts[2] == "playlist" {
		parts = parts[2:]
	}
	if len(parts) == 2 {
		if r, ok := makeRef(parts[0], parts[1]); ok {
			return r, nil
		}
	}
	return Ref{}, fmt.Errorf("%q is not a link to a Spotify item: %s", s, forms)
}

func makeRef(kind, id string) (Ref, bool) {
	if _, ok := refTypes[kind]; !ok {
		return Ref{}, false
	}
	if kind == "user" {
		return Ref{Type: kind, ID: id}, id != "" && !strings.ContainsAny(id, " \t/:")
	}
	return Ref{Type: kind, ID: id}, IsID(id)
}

// IsID reports whether s is a Spotify ID: 22 base62 characters.
func IsID(s string) bool {
	if len(s) != 22 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// RefLine is a reference read from a line of input (Line counts from 1;
// 0 is a command-line argument).
type RefLine struct {
	Ref
	Line int
}

// URIs are the refs' URIs, in order.
func URIs(refs []RefLine) []string {
	uris := make([]string, len(refs))
	for i, r := range refs {
		uris[i] = r.URI()
	}
	return uris
}

// BadLine is a line of input that is not a reference.
type BadLine struct {
	Line int // 0 for a command-line argument
	Err  error
}

// BadLinesError lists every bad line of an input; nothing was sent.
type BadLinesError struct {
	Bad []BadLine
}

func (e *BadLinesError) Error() string {
	const shown = 10
	var b strings.Builder
	for i, l := range e.Bad {
		if i == shown {
			fmt.Fprintf(&b, "\n(and %d more bad lines)", len(e.Bad)-shown)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		if l.Line > 0 {
			fmt.Fprintf(&b, "line %d: ", l.Line)
		}
		b.WriteString(l.Err.Error())
	}
	b.WriteString("\nnothing was sent")
	return b.String()
}

// ParseArgs reads references given as arguments.
func (p RefParser) ParseArgs(args []string) ([]RefLine, error) {
	var out []RefLine
	var bad []BadLine
	for _, a := range args {
		r, err := p.Parse(a)
		if err != nil {
			bad = append(bad, BadLine{Err: err})
			continue
		}
		out = append(out, RefLine{Ref: r})
	}
	if bad != nil {
		return nil, &BadLinesError{Bad: bad}
	}
	return out, nil
}

// ReadLines reads one reference a line; blank lines and lines starting
// with # are skipped. Every bad line is reported, with its number, in one
// *BadLinesError.
func (p RefParser) ReadLines(r io.Reader) ([]RefLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var out []RefLine
	var bad []BadLine
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ref, err := p.Parse(line)
		if err != nil {
			bad = append(bad, BadLine{Line: n, Err: err})
			continue
		}
		out = append(out, RefLine{Ref: ref, Line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read the items: %w", err)
	}
	if bad != nil {
		return nil, &BadLinesError{Bad: bad}
	}
	return out, nil
}

package cmdutil

import (
	"context"
	"fmt"
	"slices"

	"github.com/spotcli/spotcli/internal/api"
)

// ItemsHelp is the paragraph of every command that takes ITEMs.
const ItemsHelp = `An ITEM is a Spotify URI (spotify:track:ID, spotify:episode:ID), an
open.spotify.com link as the Share menu copies it (?si=, /intl-xx/ and
/embed/ are fine) or a spotify.link share link (resolved without a token),
a bare ID, which is a track's, or current: the item now
playing (spotcli now shows it). With no ITEM, or with -,
the items are read from stdin, one a line; blank lines and lines starting
with # are skipped. Every bad line is reported with its number, and then
nothing is sent.`

// ItemResolver gives the Spotify URI a keyword ITEM names ("current": the
// item now playing, player.CurrentFor). It may read from Spotify; it never
// writes.
type ItemResolver func(ctx context.Context, f *Factory) (uri string, err error)

// ReadItems reads a command's ITEMs: the arguments, or stdin (one a line)
// when there are none or the only one is "-". Bad arguments are a usage
// error; bad lines of stdin an error naming each line. Keywords of
// f.ItemKeywords are accepted and resolved, and must name a kind p accepts.
// Nothing is written before every item has been read.
func ReadItems(ctx context.Context, f *Factory, args []string, p api.RefParser) ([]api.RefLine, error) {
	for k := range f.ItemKeywords {
		p.Keywords = append(p.Keywords, k)
	}
	slices.Sort(p.Keywords)
	p.ShortLinks = true
	var refs []api.RefLine
	var err error
	if len(args) == 0 || len(args) == 1 && args[0] == "-" {
		refs, err = p.ReadLines(f.In)
	} else if refs, err = p.ParseArgs(args); err != nil {
		err = &UsageError{Err: err}
	}
	if err != nil {
		return nil, err
	}
	for i, r := range refs {
		if r.Keyword == "" {
			continue
		}
		var uri string
		if resolve, ok := f.ItemKeywords[r.Keyword]; ok {
			uri, err = resolve(ctx, f)
		} else { // a spotify.link share link
			uri, err = f.ResolveShortLink(ctx, r.Keyword)
		}
		var ref api.Ref
		if err == nil {
			nolinks := p
			nolinks.ShortLinks = false // a link leads to an item, not to another link
			ref, err = nolinks.Parse(uri)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", Where(refs, i), r.Keyword, err)
		}
		refs[i].Ref = ref
	}
	return refs, nil
}

// Where names the input of an item in messages: "line 7" of stdin, or
// "argument 2".
func Where(refs []api.RefLine, i int) string {
	if i >= len(refs) {
		return "the end of the input"
	}
	if refs[i].Line > 0 {
		return fmt.Sprintf("line %d", refs[i].Line)
	}
	return fmt.Sprintf("argument %d (%s)", i+1, refs[i].URI())
}

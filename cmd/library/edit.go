package library

import (
	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

// AddEditCommands adds save, remove and contains to the library command.
func AddEditCommands(c *cobra.Command, f *cmdutil.Factory) {
	c.AddCommand(newSaveCmd(f, nil), newRemoveCmd(f, nil), newContainsCmd(f, nil))
}

// parser reads what the library holds: every kind /me/library takes.
var parser = api.RefParser{Kinds: []string{"track", "album", "episode", "show", "audiobook", "artist", "playlist", "user"}}

// itemsHelp is the paragraph on ITEMs of the library commands.
const itemsHelp = `An ITEM is a Spotify URI (spotify:track:ID, spotify:album:ID, spotify:episode:ID,
spotify:show:ID, spotify:audiobook:ID; spotify:artist:ID and spotify:user:ID
follow, spotify:playlist:ID follows a playlist), an open.spotify.com link as
the Share menu copies it, a bare ID, which is a track's, or current: the item
now playing. With no ITEM, or with -, the items are read from stdin, one a
line; blank lines and lines starting with # are skipped. Every bad line is reported with its number, and
then nothing is sent.

Saving and removing need the user-library-modify scope (user-follow-modify
for artists and users, playlist-modify-public for playlists); contains needs
user-library-read.`

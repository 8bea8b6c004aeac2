package playlists

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

type importOptions struct {
	f    *cmdutil.Factory
	File string
	Name string
	Into string
}

func newImportCmd(f *cmdutil.Factory, runF func(context.Context, *importOptions) error) *cobra.Command {
	o := &importOptions{f: f}
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "Recreate a playlist from a spotcli export file or an Exportify CSV",
		Long: `Recreate a playlist, in order, from FILE: a playlist file of spotcli export
(DIR/playlists/ID.json) or a CSV of Exportify (or of spotcli export --csv),
which needs its "Track URI" column. FILE - reads stdin.

Without --into, a new playlist is created, named --name, else the exported
playlist's name (for a CSV, the file's name without .csv), with the exported
description, public if the exported one was (a CSV's is private); its ID is
printed on stdout. With --into PLAYLIST the items go into an existing playlist
instead; ` + PlaylistHelp + `

Local files and items Spotify no longer has cannot be added: each is listed on
stderr and skipped. If Spotify fails part way, the error says how many items
were imported; run the import again with --into the new playlist's ID: the
items it already holds are skipped, so nothing is doubled.`,
		Example: `  spotcli playlists import backup/playlists/3cEYpjA9oz9GiPac4AsH4n.json --name "Restored"
  spotcli playlists import abba_mix.csv
  spotcli playlists import backup/playlists/3cEYpjA9oz9GiPac4AsH4n.json --into "Road trip"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.UsageErrorf("spotcli playlists import takes one FILE, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.File = args[0]
			if o.Into != "" && cmd.Flags().Changed("name") {
				return cmdutil.UsageErrorf("--name and --into contradict each other: --into adds to a playlist that has a name")
			}
			if o.Into != "" {
				if err := checkPlaylistArg(o.Into); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runImport(cmd.Context(), o)
		},
	}
	c.Flags().StringVar(&o.Name, "name", "", "name of the new playlist (default the exported name)")
	c.Flags().StringVar(&o.Into, "into", "", "add to this existing `PLAYLIST` instead of creating one")
	_ = c.RegisterFlagCompletionFunc("into", func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return playlistCompletions(cmd, f, toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

// imported is what a file says of a playlist.
type imported struct {
	name, description string
	public            bool
	refs              []api.RefLine
	unit              string // "entry" (JSON) or "line" (CSV)
	skipped           []string
}

func runImport(ctx context.Context, o *importOptions) error {
	in, err := readImport(o.f, o.File)
	if err != nil {
		return err
	}
	for _, s := range in.skipped {
		fmt.Fprintln(o.f.Err, "skipped "+s)
	}
	where := func(refs []api.RefLine, i int) string {
		if i >= len(refs) {
			return "the end of the file"
		}
		return fmt.Sprintf("%s %d", in.unit, refs[i].Line)
	}
	client, _, err := o.f.UserClient()
	if err != nil {
		return err
	}
	var t *target
	refs := in.refs
	if o.Into != "" {
		if t, err = resolvePlaylistArg(ctx, o.f, client, o.Into); err != nil {
			return err
		}
		var already int
		if refs, already, err = selectNew(ctx, client, t, refs, false, true); err != nil {
			return explainWrite(err, "GET", t)
		}
		if already > 0 {
			fmt.Fprintf(o.f.Err, "%s already holds %d of the items: adding the other %d\n", t.label(), already, len(refs))
		}
	} else {
		name := in.name
		if o.Name != "" {
			name = o.Name
		}
		if name == "" {
			return cmdutil.UsageErrorf("%s names no playlist: give --name", o.File)
		}
		id, err := createPlaylist(ctx, client, name, in.description, in.public, false)
		if err != nil {
			return err
		}
		zero := 0
		t = &target{ID: id, Name: name, Length: &zero}
		if _, err := fmt.Fprintln(o.f.Out, id); err != nil {
			return err
		}
	}
	if err := addRefs(ctx, client, t, refs, nil, "import", where); err != nil {
		return err
	}
	msg := fmt.Sprintf("imported %d items into %s", len(refs), t.label())
	if len(in.skipped) > 0 {
		msg += fmt.Sprintf(", skipped %d (local files or unavailable)", len(in.skipped))
	}
	fmt.Fprintln(o.f.Err, msg)
	return nil
}

// readImport reads an export file (JSON) or a CSV; which one it is, the
// first character tells.
func readImport(f *cmdutil.Factory, file string) (*imported, error) {
	var r io.Reader = f.In
	if file != "-" {
		if st, err := os.Stat(file); err == nil && st.IsDir() {
			return nil, cmdutil.UsageErrorf("%s is a directory: give one playlist file of it, such as %s", file, filepath.Join(file, "playlists", "ID.json"))
		}
		fh, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		r = fh
	}
	br := bufio.NewReader(r)
	// Skip a BOM and white space to see the first character.
	for {
		c, _, err := br.ReadRune()
		if err != nil {
			return nil, fmt.Errorf("%s is empty", file)
		}
		if c == '\ufeff' || c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		_ = br.UnreadRune()
		if c == '{' {
			return readExportJSON(br, file)
		}
		name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		if file == "-" {
			name = ""
		}
		return readCSV(br, file, name)
	}
}

// readExportJSON reads spotcli export's {"playlist": {...}, "items": [...]}.
func readExportJSON(r io.Reader, file string) (*imported, error) {
	var doc struct {
		Playlist *struct {
			Name        string `json:"name"`
			Description string `json:"description"`
			Public      *bool  `json:"public"`
		} `json:"playlist"`
		Items *[]json.RawMessage `json:"items"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s is not a playlist file of spotcli export: %v", file, err)
	}
	if doc.Items == nil {
		return nil, fmt.Errorf("%s is not a playlist file of spotcli export: it has no \"items\"", file)
	}
	in := &imported{unit: "entry"}
	if p := doc.Playlist; p != nil {
		in.name, in.description = p.Name, p.Description
		in.public = p.Public != nil && *p.Public
	}
	var bad []api.BadLine
	for i, raw := range *doc.Items {
		n := i + 1
		row, _ := decodeEntry(raw)
		uri := api.EntryURI(raw)
		switch {
		case bytes.Equal(bytes.TrimSpace(raw), []byte("null")) || uri == "":
			in.skipped = append(in.skipped, fmt.Sprintf("entry %d: unavailable (Spotify sent no item)", n))
			continue
		case strings.HasPrefix(uri, "spotify:local:"):
			in.skipped = append(in.skipped, fmt.Sprintf("entry %d: local file %s: the Web API cannot add local files", n, describe(row.name, row.artists)))
			continue
		}
		ref, err := api.RefParser{}.Parse(uri)
		if err != nil {
			bad = append(bad, api.BadLine{Err: fmt.Errorf("entry %d: %v", n, err)})
			continue
		}
		in.refs = append(in.refs, api.RefLine{Ref: ref, Line: n})
	}
	if bad != nil {
		return nil, fmt.Errorf("%s: %w", file, &api.BadLinesError{Bad: bad})
	}
	return in, nil
}

func describe(name, artists string) string {
	if artists == "" {
		return fmt.Sprintf("%q", name)
	}
	return fmt.Sprintf("%q by %s", name, artists)
}

// readCSV reads Exportify's CSV: a header, then a row per track, the URI in
// "Track URI"; local files have a spotify:local: URI, unavailable tracks
// none.
func readCSV(r io.Reader, file, name string) (*imported, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s is neither a spotcli export file nor a CSV: %v", file, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	uriCol, ok := col["track uri"]
	if !ok {
		if uriCol, ok = col["uri"]; !ok {
			return nil, fmt.Errorf("%s has no \"Track URI\" column: it is not an Exportify CSV", file)
		}
	}
	field := func(rec []string, names ...string) string {
		for _, n := range names {
			if i, ok := col[n]; ok && i < len(rec) {
				return rec[i]
			}
		}
		return ""
	}
	in := &imported{unit: "line", name: name}
	var bad []api.BadLine
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s: line %d: %v", file, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("%s: %v", file, err)
		}
		uri := ""
		if uriCol < len(rec) {
			uri = strings.TrimSpace(rec[uriCol])
		}
		what := describe(field(rec, "track name", "name"), field(rec, "artist name(s)", "artist names", "artists"))
		switch {
		case uri == "":
			in.skipped = append(in.skipped, fmt.Sprintf("line %d: %s: unavailable (no URI)", line, what))
			continue
		case strings.HasPrefix(uri, "spotify:local:"):
			in.skipped = append(in.skipped, fmt.Sprintf("line %d: local file %s: the Web API cannot add local files", line, what))
			continue
		}
		ref, err := api.RefParser{}.Parse(uri)
		if err != nil {
			bad = append(bad, api.BadLine{Line: line, Err: err})
			continue
		}
		in.refs = append(in.refs, api.RefLine{Ref: ref, Line: line})
	}
	if bad != nil {
		return nil, fmt.Errorf("%s: %w", file, &api.BadLinesError{Bad: bad})
	}
	return in, nil
}

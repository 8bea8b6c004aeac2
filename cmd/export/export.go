// Package export holds spotcli export: a complete, incremental backup of
// the user's playlists and library to a directory (internal/export does the
// work).
package export

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	engine "github.com/spotcli/spotcli/internal/export"
)

type exportOptions struct {
	f           *cmdutil.Factory
	Dir         string
	Only        []string
	CSV         bool
	Concurrency int
	Quiet       bool
}

func NewExportCmd(f *cmdutil.Factory, runF func(context.Context, *exportOptions) error) *cobra.Command {
	o := &exportOptions{f: f, Concurrency: 8}
	var only string
	c := &cobra.Command{
		Use:   "export DIR",
		Short: "Back up every playlist and the library to a directory, incrementally",
		Long: `Write a backup of the user's Spotify account to DIR: every playlist with all its
entries, and every part of the library (Liked Songs, saved albums, shows and
episodes, followed artists). Run it again into the same DIR to bring the
backup up to date: a playlist whose snapshot_id has not changed costs no
request for its entries, and a playlist gone from the account stays in the
backup, marked removed with the date. The layout of DIR and the CSV columns are
described in docs/export.md.

  DIR/playlists/<id>.json  {"playlist": {...}, "items": [every entry, in order]}
  DIR/library/<kind>.json  {"items": [every saved item, newest first]}
  DIR/manifest.json        what the backup holds (version, user, playlists, library)

Every file is written to a temporary name and renamed into place, the manifest
last: after Ctrl-C, kill -9, a network failure or a full disk, DIR still holds
a consistent backup, and the next run finishes the job without fetching again
what is already complete.

Spotify answers 403 for the entries of playlists the user neither owns nor
collaborates on (development-mode apps, since 2026): such a playlist is
recorded as skipped, with the reason, and the export goes on.

On a terminal, stderr shows a live progress line; otherwise spotcli prints
warnings and one summary line at the end (--quiet: warnings only). Exit 0,
or 1 when something could not be written or fetched (what could is kept).`,
		Example: `  spotcli export ~/spotify-backup
  spotcli export backup --only playlists,tracks --csv
  spotcli export backup --concurrency 4 --quiet`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.UsageErrorf("spotcli export takes one DIR, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dir = args[0]
			if strings.TrimSpace(o.Dir) == "" {
				return cmdutil.UsageErrorf("DIR is empty")
			}
			if cmd.Flags().Changed("only") {
				for _, s := range strings.Split(only, ",") {
					s = strings.TrimSpace(s)
					if s == "" {
						continue
					}
					if !slices.Contains(engine.Sections, s) {
						return cmdutil.UsageErrorf("--only: unknown part %q: choose from %s", s, strings.Join(engine.Sections, ", "))
					}
					if !slices.Contains(o.Only, s) {
						o.Only = append(o.Only, s)
					}
				}
				if len(o.Only) == 0 {
					return cmdutil.UsageErrorf("--only names nothing: choose from %s", strings.Join(engine.Sections, ", "))
				}
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runExport(cmd.Context(), o)
		},
	}
	c.Flags().StringVar(&only, "only", "", "export only these parts, comma-separated: "+strings.Join(engine.Sections, ", "))
	c.Flags().BoolVar(&o.CSV, "csv", false, "also write a CSV (Exportify's columns) of every playlist and library part")
	c.Flags().Var(&cmdutil.IntRange{Val: &o.Concurrency, Min: 1, Max: 16}, "concurrency", "requests in flight for the whole export, 1 to 16")
	c.Flags().BoolVarP(&o.Quiet, "quiet", "q", false, "no summary line (warnings still go to stderr)")
	_ = c.RegisterFlagCompletionFunc("only", completeSections)
	return c
}

// completeSections offers the parts of --only not yet listed, after the
// comma-separated ones typed so far.
func completeSections(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	prefix, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix, last = toComplete[:i+1], toComplete[i+1:]
	}
	have := strings.Split(prefix, ",")
	var out []cobra.Completion
	for _, s := range engine.Sections {
		if strings.HasPrefix(s, last) && !slices.Contains(have, s) {
			out = append(out, prefix+s)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

func runExport(ctx context.Context, o *exportOptions) error {
	client, _, err := o.f.UserClient()
	if err != nil {
		return err
	}
	// The live line's own control sequences go to the terminal as they are,
	// past the SafeWriter that escapes those in whatever else stderr says
	// (the line itself holds only numbers); warnings, which quote Spotify,
	// go through it.
	raw := o.f.Err
	if sw, ok := raw.(cmdutil.SafeWriter); ok {
		raw = sw.W
	}
	p := &progress{w: o.f.Err, raw: raw, live: o.f.StderrTTY != nil && o.f.StderrTTY()}
	defer p.clear()
	sum, err := engine.Run(ctx, client, engine.Options{
		Dir:         o.Dir,
		Only:        o.Only,
		CSV:         o.CSV,
		Concurrency: o.Concurrency,
		Now:         o.f.Now,
		Progress:    p.update,
		Warn:        p.warn,
	})
	p.clear()
	if err != nil {
		return err
	}
	if !o.Quiet {
		fmt.Fprintln(o.f.Err, summaryLine(o.Dir, sum))
	}
	return nil
}

// summaryLine is the one line an export ends with.
func summaryLine(dir string, s *engine.Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "exported %s to %s", plural(s.Playlists, "playlist"), dir)
	var parts []string
	for _, p := range []struct {
		n    int
		word string
	}{{s.Fetched, "fetched"}, {s.Unchanged, "unchanged"}, {s.Skipped, "skipped"}, {s.Removed, "removed"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", group(p.n), p.word))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, ", %s", plural(s.Entries, "entry"))
	var lib []string
	for _, k := range engine.Kinds {
		if n, ok := s.Library[k]; ok {
			lib = append(lib, fmt.Sprintf("%s %s", k, group(n)))
		}
	}
	if len(lib) > 0 {
		fmt.Fprintf(&b, "; library: %s", strings.Join(lib, ", "))
	}
	fmt.Fprintf(&b, "; %s in %s", plural(int(s.Requests), "request"), s.Elapsed.Round(100*time.Millisecond))
	if s.Skipped > 0 {
		fmt.Fprintf(&b, "; %s skipped: Spotify refuses their entries (see manifest.json)", plural(s.Skipped, "playlist"))
	}
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") {
		return group(n) + " " + strings.TrimSuffix(word, "y") + "ies"
	}
	return group(n) + " " + word + "s"
}

// group writes n with thousands separated by commas.
func group(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// progress draws the live line on a terminal, at most ten times a second,
// and keeps warnings off it.
type progress struct {
	w    io.Writer // stderr, for warnings
	raw  io.Writer // stderr without escaping, for the line's control sequences
	live bool

	mu    sync.Mutex
	last  time.Time
	drawn bool
}

func (p *progress) update(pr engine.Progress) {
	if !p.live {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond || pr.PlaylistsDone == pr.PlaylistsTotal {
		p.last = now
		fmt.Fprintf(p.raw, "\r\x1b[K%s", progressLine(pr))
		p.drawn = true
	}
}

// progressLine says how far an export is: playlists done of total, entries,
// elapsed and, once a playlist is done, an estimate of what is left.
func progressLine(pr engine.Progress) string {
	line := fmt.Sprintf("exporting: %s of %s playlists, %s, %s elapsed", group(pr.PlaylistsDone), group(pr.PlaylistsTotal),
		plural(pr.Entries, "entry"), clock(pr.Elapsed))
	if pr.PlaylistsDone > 0 && pr.PlaylistsDone < pr.PlaylistsTotal {
		left := time.Duration(float64(pr.Elapsed) * float64(pr.PlaylistsTotal-pr.PlaylistsDone) / float64(pr.PlaylistsDone))
		line += ", about " + clock(left) + " left"
	}
	return line
}

func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

func (p *progress) warn(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.raw, "\r\x1b[K")
		p.drawn = false
	}
	cmdutil.Warn(p.w, "%s", msg)
}

func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.raw, "\r\x1b[K")
		p.drawn = false
	}
}

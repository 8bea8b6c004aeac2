// Package apicmd is spotcli api: the command (api.go), its -f/-F fields
// and request building (fields.go), --jq (jq.go) and --paginate
// (paginate.go).
package apicmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/itchyny/gojq"
	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
)

type apiOptions struct {
	f         *cmdutil.Factory
	Path      string
	Method    string
	MethodSet bool
	Fields    []fieldArg // -f and -F, in the order given
	Input     string     // --input FILE, "-" for stdin
	Headers   []string   // -H "Name: value"
	Include   bool
	Paginate  bool
	Slurp     bool
	JQ        string
	App       bool
}

func NewAPICmd(f *cmdutil.Factory, runF func(context.Context, *apiOptions) error) *cobra.Command {
	o := &apiOptions{f: f}
	c := &cobra.Command{
		Use:   "api PATH",
		Short: "Call any Web API endpoint with the stored login",
		Long: `Send a request to the Spotify Web API with this run's access token, and print the
answer's body on stdout. It gets the same token, retries, rate-limit waits and
error messages as every other command.

PATH is relative to api_url (me/top/tracks or /me/top/tracks), or a full URL
with api_url's scheme, host and port, such as a "next" link. Any other URL is
refused before a request is made (exit 2): the token goes nowhere else.

The method is GET, or POST when fields or --input are given (but GET with
--paginate); -X sets it. Fields are query parameters for GET and HEAD, and a
JSON object in the body for any other method:
  -f key=value   a string, as written
  -F key=value   typed: true, false, null and JSON numbers become those; @FILE
                 is the file's contents as a string (@- reads stdin); anything
                 else is a string
In a body, key[]=v appends v to the array key, and key[sub]=v sets a member of
the object key ("-F uris[]=spotify:track:ID" gives {"uris":["spotify:track:ID"]}).
--input FILE sends the file (- for stdin) as the body instead; fields then go in
the query. -H adds a header (not Authorization, which spotcli sets).

A 2xx answer's body goes to stdout (indented on a terminal). An error status
exits 1 with Spotify's message on stderr; a refused login exits 4. -i also
prints the status line and headers to stderr (of the first page, with
--paginate). An answer larger than 64 MiB is refused whole (exit 1), never
printed cut. Nothing from the answer reaches the terminal raw: in JSON, DEL
and the C1 controls are written as \u escapes (the same JSON to any reader);
a body that is not JSON is printed as text with control characters other than
tab and newline escaped (\x1b, \u009b).

--paginate follows the pages of a GET to the end and prints each item of each
page as one JSON line (NDJSON); with --slurp, one JSON array of every item. The
page is the answer, or its one member that has "items": search's "tracks", a
playlist's "tracks" or "items" (an object that has both, as Spotify sends
since 2026, is paged by "items"), an album's "tracks", a show's "episodes".
Such an embedded page goes on at its own endpoint (playlists/ID/items...),
whose answers are pages themselves. Pages after the first are fetched
concurrently by offset when the first one is the answer and tells its total,
offset and limit, and by following "next" otherwise; they keep the first
page's limit. Items print as Spotify sent them, null entries included.

--jq EXPR filters the output through jq (built in: no jq needed). It runs on
the body; with --paginate on each item, and with --slurp on the array. A string
result prints raw, as jq -r does (but for control characters other than tab and
newline, which are escaped as above); any other as compact JSON; one per line. An
expression that does not compile is a usage error (exit 2); one that fails on
the data exits 1.

--app uses an app-only token (Client Credentials: needs client_id and
client_secret) instead of the user's login, for public catalog endpoints.
Without a client_secret it fails with exit 1 (a setting is missing).

The default login's scopes (user-read-private user-read-email
playlist-read-private playlist-read-collaborative) cover reading the user and
the playlists. Other endpoints answer 403 until the login has their scope:
creating or changing playlists needs playlist-modify-public or
playlist-modify-private, me/top/* user-top-read, me/tracks and me/library
user-library-read (and user-library-modify to change them), me/player*
user-read-playback-state or user-modify-playback-state. Log in again with
them: spotcli login --scopes "...". An Example marked "# needs" names what
it needs beyond the default login.`,
		Example: `  spotcli api me
  spotcli api 'me/playlists?limit=5' --jq '.items[].name'
  spotcli api --app search -f q=abba -f type=track -F limit=10 --paginate --jq .name   # needs client_secret
  spotcli api me/playlists --paginate --slurp --jq length
  spotcli api playlists/3cEYpjA9oz9GiPac4AsH4n --paginate --jq .item.name
  spotcli api me/playlists -f name='Road trip' -F public=false   # needs playlist-modify-private
  spotcli api playlists/3cEYpjA9oz9GiPac4AsH4n/items -F 'uris[]=spotify:track:4uLU6hMCjMI75M1A2tKUQC' -i   # needs playlist-modify-public`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.UsageErrorf("spotcli api takes one PATH (such as me or /me/top/tracks), got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Path = args[0]
			o.MethodSet = cmd.Flags().Changed("method")
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runAPI(cmd.Context(), o)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&o.Method, "method", "X", "", "HTTP `method` (default GET, or POST with fields or --input)")
	fl.VarP(&fieldsValue{list: &o.Fields}, "raw-field", "f", "add a string field `key=value`")
	fl.VarP(&fieldsValue{list: &o.Fields, typed: true}, "field", "F", "add a typed field `key=value` (true, false, null, numbers, @FILE)")
	fl.StringVar(&o.Input, "input", "", "send the contents of `FILE` as the body (- for stdin)")
	fl.StringArrayVarP(&o.Headers, "header", "H", nil, "add a request header `\"Name: value\"`")
	fl.BoolVarP(&o.Include, "include", "i", false, "print the status line and headers to stderr")
	fl.BoolVar(&o.Paginate, "paginate", false, "follow the pages to the end, printing each item as a JSON line")
	fl.BoolVar(&o.Slurp, "slurp", false, "with --paginate: print one JSON array of every item")
	fl.StringVarP(&o.JQ, "jq", "q", "", "filter the output with a jq `EXPR`")
	fl.BoolVar(&o.App, "app", false, "use an app-only token (Client Credentials) instead of the user's login")
	return c
}

func runAPI(ctx context.Context, o *apiOptions) error {
	f := o.f
	var code *gojq.Code
	if o.JQ != "" {
		var err error
		if code, err = compileJQ(o.JQ); err != nil {
			return err
		}
	}
	req, err := buildAPIRequest(o, f.In)
	if err != nil {
		return err
	}
	var tokens *auth.Source
	if o.App {
		tokens, err = f.AppCredentials()
	} else {
		tokens, err = f.Credentials()
		if tokens != nil {
			// Any token the run has: an app-only one stored as the login
			// can still read the catalog.
			tokens.AppOnlyOK = true
		}
	}
	if err != nil {
		return err
	}
	client, err := f.APIClient(tokens)
	if err != nil {
		return err
	}
	// Checked before any request (a token refresh included): the path
	// decides where the token goes.
	u, err := client.URL(o.Path)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	if len(req.query) > 0 {
		q := u.RawQuery
		for _, kv := range req.query {
			if q != "" {
				q += "&"
			}
			q += url.QueryEscape(kv[0]) + "=" + url.QueryEscape(kv[1])
		}
		u.RawQuery = q
	}
	client.Header = req.header // -H, on every page too
	link := u.String()
	resp, err := client.Do(ctx, req.method, link, req.body)
	if o.Include && resp != nil {
		writeHead(f.Err, resp)
	}
	if err != nil {
		return err
	}
	if o.Paginate {
		return paginateAPI(ctx, o, client, code, link, resp.Body)
	}
	if len(resp.Body) == 0 {
		return nil
	}
	if code != nil {
		v, err := decodeJSON(resp.Body)
		if err != nil {
			return err
		}
		return runJQ(ctx, f.Out, code, v)
	}
	body := resp.Body
	if json.Valid(body) {
		// Indented on a terminal, compact in a pipe, as every --json
		// (WriteJSON makes it safe for the terminal too).
		return f.WriteJSON(body)
	}
	// Not JSON (a proxy's page): shown as text, never raw.
	body = []byte(cmdutil.SafeText(string(body)))
	if !bytes.HasSuffix(body, []byte("\n")) {
		body = append(slices.Clip(body), '\n')
	}
	_, err = f.Out.Write(body)
	return err
}

// writeHead prints the status line and the headers, sorted.
func writeHead(w io.Writer, resp *api.Response) {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d %s\n", resp.Status, http.StatusText(resp.Status))
	names := make([]string, 0, len(resp.Header))
	for k := range resp.Header {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		for _, v := range resp.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	b.WriteByte('\n')
	_, _ = io.WriteString(w, b.String())
}

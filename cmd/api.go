package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/itchyny/gojq"
	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/internal/api"
)

type apiOptions struct {
	f         *Factory
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

func newAPICmd(f *Factory, runF func(context.Context, *apiOptions) error) *cobra.Command {
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
--paginate).

--paginate follows the pages of a GET to the end and prints each item of each
page as one JSON line (NDJSON); with --slurp, one JSON array of every item. The
page is the answer, or its one member that has "items" (search's "tracks").
Pages after the first are fetched concurrently by offset when the first one
tells its total, offset and limit, and by following "next" otherwise; they
keep the first page's limit.

--jq EXPR filters the output through jq (built in: no jq needed). It runs on
the body; with --paginate on each item, and with --slurp on the array. A string
result prints raw, as jq -r does; any other as compact JSON; one per line. An
expression that does not compile is a usage error (exit 2); one that fails on
the data exits 1.

--app uses an app-only token (Client Credentials: needs client_id and
client_secret) instead of the user's login, for public catalog endpoints.`,
		Example: `  spotcli api me
  spotcli api 'me/top/tracks?limit=5' --jq '.items[].name'
  spotcli api --app search -f q=abba -f type=track -F limit=10 --paginate --jq .name
  spotcli api me/playlists --paginate --slurp --jq length
  spotcli api me/playlists -f name='Road trip' -F public=false
  spotcli api playlists/ID/items -F 'uris[]=spotify:track:4uLU6hMCjMI75M1A2tKUQC'
  spotcli api -X PUT me/player/pause -i`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("spotcli api takes one PATH (such as me or /me/top/tracks), got %d arguments", len(args))
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

// fieldArg is one -f (typed false) or -F as written.
type fieldArg struct {
	raw   string
	typed bool
}

// fieldsValue is -f or -F: both add to one list, so that fields keep the
// order of the command line (key[]=v appends in that order).
type fieldsValue struct {
	list  *[]fieldArg
	typed bool
}

func (v *fieldsValue) String() string { return "" }
func (v *fieldsValue) Type() string   { return "stringArray" }
func (v *fieldsValue) Set(s string) error {
	*v.list = append(*v.list, fieldArg{raw: s, typed: v.typed})
	return nil
}

// apiRequest is what the flags ask to send.
type apiRequest struct {
	method string
	query  [][2]string // in the order given
	body   []byte
	header http.Header
}

// isMethod reports whether m is an HTTP method's shape: letters only. (No
// regexp: one compiled at start-up costs every command, not just api.)
func isMethod(m string) bool {
	for _, r := range m {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return m != ""
}

// buildAPIRequest checks the flags and builds the request, reading the files
// they name; every error is a usage error, and nothing is sent.
func buildAPIRequest(o *apiOptions, stdin io.Reader) (*apiRequest, error) {
	if o.Slurp && !o.Paginate {
		return nil, usageErrorf("--slurp needs --paginate")
	}
	req := &apiRequest{method: "GET", header: http.Header{}}
	fields := len(o.Fields) > 0
	switch {
	case o.MethodSet:
		if !isMethod(o.Method) {
			return nil, usageErrorf("invalid method %q", o.Method)
		}
		req.method = strings.ToUpper(o.Method)
	case (fields || o.Input != "") && !o.Paginate:
		req.method = "POST"
	}
	if o.Paginate && req.method != "GET" {
		return nil, usageErrorf("--paginate follows the pages of a GET, not of a %s", req.method)
	}
	stdinUsed := false
	readArg := func(what, name string) ([]byte, error) {
		if name == "-" {
			if stdinUsed {
				return nil, usageErrorf("%s: stdin can be read only once", what)
			}
			stdinUsed = true
			return io.ReadAll(stdin)
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, usageErrorf("%s: %v", what, err)
		}
		return b, nil
	}
	if o.Input != "" {
		b, err := readArg("--input", o.Input)
		if err != nil {
			return nil, err
		}
		req.body = b
	}
	var parsed []apiField
	for _, fa := range o.Fields {
		if !fa.typed {
			k, v, ok := strings.Cut(fa.raw, "=")
			if !ok || k == "" {
				return nil, usageErrorf("-f %q: want key=value", fa.raw)
			}
			parsed = append(parsed, apiField{key: k, value: v})
			continue
		}
		fd, err := parseTypedField(fa.raw, func(name string) ([]byte, error) { return readArg("-F "+fa.raw, name) })
		if err != nil {
			return nil, err
		}
		parsed = append(parsed, fd)
	}
	inQuery := req.method == "GET" || req.method == "HEAD" || o.Input != ""
	if len(parsed) > 0 {
		if inQuery {
			for _, fd := range parsed {
				req.query = append(req.query, [2]string{fd.key, fd.queryValue()})
			}
		} else {
			b, err := fieldsBody(parsed)
			if err != nil {
				return nil, err
			}
			req.body = b
		}
	}
	for _, h := range o.Headers {
		name, value, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, usageErrorf("-H %q: want \"Name: value\"", h)
		}
		if strings.EqualFold(name, "Authorization") {
			return nil, usageErrorf("-H %q: spotcli sends the Authorization header itself", name)
		}
		req.header.Add(name, strings.TrimSpace(value))
	}
	return req, nil
}

// apiField is one -f or -F: value is a string, json.Number, bool or nil.
type apiField struct {
	key   string
	value any
}

// isJSONNumber reports whether v is written exactly as a JSON number.
func isJSONNumber(v string) bool {
	return v != "" && (v[0] == '-' || v[0] >= '0' && v[0] <= '9') &&
		!strings.ContainsAny(v, " \t\r\n") && json.Valid([]byte(v))
}

// parseTypedField reads -F key=value; read gives the contents of @FILE.
func parseTypedField(raw string, read func(name string) ([]byte, error)) (apiField, error) {
	k, v, ok := strings.Cut(raw, "=")
	if !ok || k == "" {
		return apiField{}, usageErrorf("-F %q: want key=value", raw)
	}
	fd := apiField{key: k}
	switch {
	case v == "true", v == "false":
		fd.value = v == "true"
	case v == "null":
		fd.value = nil
	case isJSONNumber(v):
		fd.value = json.Number(v)
	case strings.HasPrefix(v, "@") && len(v) > 1:
		b, err := read(v[1:])
		if err != nil {
			return apiField{}, err
		}
		fd.value = string(b)
	default:
		fd.value = v
	}
	return fd, nil
}

// queryValue is the field as a query parameter: null is empty.
func (fd apiField) queryValue() string {
	switch v := fd.value.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	}
	return ""
}

// fieldsBody is the JSON object of the fields, with key[] and key[sub] nested.
func fieldsBody(fields []apiField) ([]byte, error) {
	root := map[string]any{}
	for _, fd := range fields {
		path, err := fieldPath(fd.key)
		if err != nil {
			return nil, err
		}
		if err := setField(root, path, fd.value, fd.key); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// fieldPath splits "a[b][]" into "a", "b", "" ("" appends to an array).
func fieldPath(key string) ([]string, error) {
	name, rest, _ := strings.Cut(key, "[")
	if name == "" || strings.Contains(name, "]") {
		return nil, usageErrorf("field key %q: want name, name[] or name[key]", key)
	}
	path := []string{name}
	if !strings.Contains(key, "[") {
		return path, nil
	}
	rest = "[" + rest
	for rest != "" {
		end := strings.Index(rest, "]")
		if rest[0] != '[' || end < 0 || strings.Contains(rest[1:end], "[") {
			return nil, usageErrorf("field key %q: want name, name[] or name[key]", key)
		}
		path = append(path, rest[1:end])
		rest = rest[end+1:]
	}
	return path, nil
}

func setField(m map[string]any, path []string, v any, key string) error {
	k := path[0]
	switch {
	case len(path) == 1:
		if _, isObj := m[k].(map[string]any); isObj {
			return usageErrorf("field %q: %s is already an object", key, k)
		}
		if _, isArr := m[k].([]any); isArr {
			return usageErrorf("field %q: %s is already an array", key, k)
		}
		m[k] = v
		return nil
	case path[1] == "":
		if len(path) > 2 {
			return usageErrorf("field %q: arrays of objects are not supported: use --input", key)
		}
		arr, isArr := m[k].([]any)
		if _, taken := m[k]; taken && !isArr {
			return usageErrorf("field %q: %s is already set and not an array", key, k)
		}
		m[k] = append(arr, v)
		return nil
	}
	sub, isObj := m[k].(map[string]any)
	if _, taken := m[k]; taken && !isObj {
		return usageErrorf("field %q: %s is already set and not an object", key, k)
	}
	if sub == nil {
		sub = map[string]any{}
		m[k] = sub
	}
	return setField(sub, path[1:], v, key)
}

// compileJQ compiles --jq; an expression that does not parse or compile is a
// usage error. The environment stays out of reach ($ENV is empty): it may
// hold tokens.
func compileJQ(expr string) (*gojq.Code, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, usageErrorf("--jq %q: %v", expr, err)
	}
	code, err := gojq.Compile(q, gojq.WithEnvironLoader(func() []string { return nil }))
	if err != nil {
		return nil, usageErrorf("--jq %q: %v", expr, err)
	}
	return code, nil
}

// runJQ writes what code makes of v: strings raw, the rest as compact JSON,
// one per line.
func runJQ(ctx context.Context, w io.Writer, code *gojq.Code, v any) error {
	iter := code.RunWithContext(ctx, v)
	var b bytes.Buffer
	for {
		out, ok := iter.Next()
		if !ok {
			break
		}
		if err, isErr := out.(error); isErr {
			var he *gojq.HaltError
			if errors.As(err, &he) && he.Value() == nil {
				break
			}
			return fmt.Errorf("jq: %v", err)
		}
		if s, isStr := out.(string); isStr {
			b.WriteString(s)
		} else {
			j, err := gojq.Marshal(out)
			if err != nil {
				return fmt.Errorf("jq: %v", err)
			}
			b.Write(j)
		}
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

// decodeJSON decodes for jq, keeping numbers exact.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the answer is not JSON, so --jq cannot read it: %v", err)
	}
	return v, nil
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
	var tokens api.TokenSource = appTokens{f}
	if !o.App {
		cr, err := f.Credentials()
		if err != nil {
			return err
		}
		// Any token the run has: an app-only one stored as the login can
		// still read the catalog.
		tokens = &sourceTokens{cr: cr}
	}
	client, err := f.APIClient(tokens)
	if err != nil {
		return err
	}
	// Checked before any request (a token refresh included): the path
	// decides where the token goes.
	u, err := client.URL(o.Path)
	if err != nil {
		return &usageError{err}
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
	if f.StdoutTTY() && json.Valid(body) {
		var b bytes.Buffer
		if json.Indent(&b, body, "", "  ") == nil {
			body = b.Bytes()
		}
	}
	if !bytes.HasSuffix(body, []byte("\n")) {
		body = append(slices.Clip(body), '\n')
	}
	_, err = f.Out.Write(body)
	return err
}

func paginateAPI(ctx context.Context, o *apiOptions, client *api.Client, code *gojq.Code, link string, first []byte) error {
	f := o.f
	jw := &jsonWriter{w: f.Out, array: o.Slurp}
	var all []any // --slurp --jq
	emit := func(items []json.RawMessage) error {
		for _, raw := range items {
			switch {
			case code == nil:
				if err := jw.write(raw); err != nil {
					return err
				}
			case o.Slurp:
				v, err := decodeJSON(raw)
				if err != nil {
					return err
				}
				all = append(all, v)
			default:
				v, err := decodeJSON(raw)
				if err != nil {
					return err
				}
				if err := runJQ(ctx, f.Out, code, v); err != nil {
					return err
				}
			}
		}
		return nil
	}
	err := client.PaginateFrom(ctx, link, first, api.PageOptions{Concurrency: 8}, emit)
	var npe *api.NotPagedError
	if errors.As(err, &npe) {
		return fmt.Errorf("--paginate: %w", err)
	}
	if err != nil {
		return err
	}
	switch {
	case code != nil && o.Slurp:
		if all == nil {
			all = []any{}
		}
		return runJQ(ctx, f.Out, code, all)
	case o.Slurp:
		return jw.close()
	}
	return nil
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

// appTokens is an app-only token (Client Credentials) as an api.TokenSource.
type appTokens struct{ f *Factory }

func (t appTokens) AccessToken(ctx context.Context) (string, error) {
	rec, err := t.f.AppToken(ctx, "")
	if err != nil {
		return "", err
	}
	return rec.AccessToken, nil
}

// Renew replaces a cached app-only token that Spotify refused.
func (t appTokens) Renew(ctx context.Context, refused string) (string, bool, error) {
	rec, err := t.f.AppToken(ctx, refused)
	if err != nil {
		return "", false, err
	}
	return rec.AccessToken, true, nil
}

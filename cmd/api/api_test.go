package apicmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func fieldArgs(args ...string) []fieldArg {
	var out []fieldArg
	for _, a := range args {
		typed := strings.HasPrefix(a, "F:")
		out = append(out, fieldArg{raw: a[2:], typed: typed})
	}
	return out
}

func TestBuildAPIRequest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, []byte("line 1\n\"quoted\" <&>\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		opts      apiOptions
		stdin     string
		method    string
		query     [][2]string
		body      string
		header    http.Header
		wantError string
	}{
		{name: "plain GET", method: "GET"},
		{name: "fields make a POST with a JSON body", opts: apiOptions{Fields: fieldArgs("f:name=x", "F:n=3")},
			method: "POST", body: `{"n":3,"name":"x"}`},
		{name: "typed values", opts: apiOptions{Fields: fieldArgs(
			"F:int=42", "F:neg=-7", "F:float=2.5", "F:exp=1e3", "F:t=true", "F:f=false", "F:null=null",
			"F:lead=007", "F:word=True", "F:empty=", "F:at=@", "f:raw=true", "f:rawnum=42")},
			method: "POST", body: `{"at":"@","empty":"","exp":1e3,"f":false,"float":2.5,"int":42,"lead":"007","neg":-7,"null":null,"raw":"true","rawnum":"42","t":true,"word":"True"}`},
		{name: "a file's contents", opts: apiOptions{Fields: fieldArgs("F:description=@" + file)},
			method: "POST", body: `{"description":"line 1\n\"quoted\" <&>\n"}`},
		{name: "stdin", opts: apiOptions{Fields: fieldArgs("F:name=@-")}, stdin: "from stdin",
			method: "POST", body: `{"name":"from stdin"}`},
		{name: "nested keys, in the order given", opts: apiOptions{Fields: fieldArgs(
			"F:uris[]=spotify:track:a", "f:uris[]=spotify:track:b", "F:position=0", "f:o[k]=v", "F:o[n][deep]=1", "F:o[list][]=true")},
			method: "POST", body: `{"o":{"k":"v","list":[true],"n":{"deep":1}},"position":0,"uris":["spotify:track:a","spotify:track:b"]}`},
		{name: "an equals sign in the value", opts: apiOptions{Fields: fieldArgs("f:q=a=b")},
			method: "POST", body: `{"q":"a=b"}`},
		{name: "the last value wins", opts: apiOptions{Fields: fieldArgs("f:a=1", "f:a=2")},
			method: "POST", body: `{"a":"2"}`},
		{name: "GET makes fields the query", opts: apiOptions{Method: "get", MethodSet: true, Fields: fieldArgs("f:q=a b", "F:limit=5", "F:x=null", "F:b=true", "f:ids[]=1")},
			method: "GET", query: [][2]string{{"q", "a b"}, {"limit", "5"}, {"x", ""}, {"b", "true"}, {"ids[]", "1"}}},
		{name: "HEAD too", opts: apiOptions{Method: "HEAD", MethodSet: true, Fields: fieldArgs("f:q=1")},
			method: "HEAD", query: [][2]string{{"q", "1"}}},
		{name: "DELETE has a body", opts: apiOptions{Method: "delete", MethodSet: true, Fields: fieldArgs("F:items[]=1")},
			method: "DELETE", body: `{"items":[1]}`},
		{name: "--paginate keeps GET", opts: apiOptions{Paginate: true, Fields: fieldArgs("F:limit=50")},
			method: "GET", query: [][2]string{{"limit", "50"}}},
		{name: "--input is the body, fields the query", opts: apiOptions{Input: "-", Fields: fieldArgs("f:a=1")}, stdin: "raw body",
			method: "POST", body: "raw body", query: [][2]string{{"a", "1"}}},
		{name: "--input with -X PUT", opts: apiOptions{Input: file, Method: "PUT", MethodSet: true},
			method: "PUT", body: "line 1\n\"quoted\" <&>\n"},
		{name: "headers", opts: apiOptions{Headers: []string{"Accept-Language: es", "X-Two:a:b", "x-two:  c  "}},
			method: "GET", header: http.Header{"Accept-Language": {"es"}, "X-Two": {"a:b", "c"}}},

		{name: "--slurp alone", opts: apiOptions{Slurp: true}, wantError: "--slurp needs --paginate"},
		{name: "--paginate with POST", opts: apiOptions{Paginate: true, Method: "POST", MethodSet: true}, wantError: "not of a POST"},
		{name: "a bad method", opts: apiOptions{Method: "GET /x", MethodSet: true}, wantError: `invalid method "GET /x"`},
		{name: "an empty method", opts: apiOptions{Method: "", MethodSet: true}, wantError: `invalid method ""`},
		{name: "a field without =", opts: apiOptions{Fields: fieldArgs("f:abc")}, wantError: `-f "abc": want key=value`},
		{name: "a typed field without a key", opts: apiOptions{Fields: fieldArgs("F:=1")}, wantError: `-F "=1": want key=value`},
		{name: "a missing file", opts: apiOptions{Fields: fieldArgs("F:a=@" + filepath.Join(dir, "none"))}, wantError: "no such file"},
		{name: "stdin twice", opts: apiOptions{Fields: fieldArgs("F:a=@-", "F:b=@-")}, wantError: "stdin can be read only once"},
		{name: "a bad key", opts: apiOptions{Fields: fieldArgs("f:a]b=1")}, wantError: `field key "a]b"`},
		{name: "an unclosed bracket", opts: apiOptions{Fields: fieldArgs("f:a[b=1")}, wantError: `field key "a[b"`},
		{name: "a key starting with a bracket", opts: apiOptions{Fields: fieldArgs("f:[a]=1")}, wantError: `field key "[a]"`},
		{name: "an object then a value", opts: apiOptions{Fields: fieldArgs("f:a[b]=1", "f:a=2")}, wantError: "a is already an object"},
		{name: "an array then a value", opts: apiOptions{Fields: fieldArgs("f:a[]=1", "f:a=2")}, wantError: "a is already an array"},
		{name: "a value then an object", opts: apiOptions{Fields: fieldArgs("f:a=1", "f:a[b]=2")}, wantError: "a is already set and not an object"},
		{name: "arrays of objects", opts: apiOptions{Fields: fieldArgs("f:a[][b]=1")}, wantError: "arrays of objects are not supported"},
		{name: "a header without a colon", opts: apiOptions{Headers: []string{"X-A"}}, wantError: `-H "X-A": want "Name: value"`},
		{name: "a header with a space in its name", opts: apiOptions{Headers: []string{"X A: b"}}, wantError: `want "Name: value"`},
		{name: "Authorization", opts: apiOptions{Headers: []string{"AUTHORIZATION: Bearer x"}}, wantError: "spotcli sends the Authorization header itself"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			req, err := buildAPIRequest(&o, strings.NewReader(tt.stdin))
			if tt.wantError != "" {
				var ue *cmdutil.UsageError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("err = %v, want a usage error saying %q", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if req.method != tt.method {
				t.Errorf("method %s, want %s", req.method, tt.method)
			}
			if diff := cmp.Diff(tt.query, req.query); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			if string(req.body) != tt.body {
				t.Errorf("body:\n got %s\nwant %s", req.body, tt.body)
			}
			want := tt.header
			if want == nil {
				want = http.Header{}
			}
			if diff := cmp.Diff(want, req.header); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompileJQ(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{".[", "nosuch(1)", "$x", "{", "."} {
		_, err := compileJQ(expr)
		var ue *cmdutil.UsageError
		if expr == "." {
			if err != nil {
				t.Errorf("%q: %v", expr, err)
			}
			continue
		}
		if !errors.As(err, &ue) {
			t.Errorf("%q: err = %v, want a usage error", expr, err)
		}
	}
}

func TestRunJQ(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr, in, want, err string
	}{
		{".name", `{"name":"A <b> & c"}`, "A <b> & c\n", ""},
		{".n", `{"n":12345678901234567890}`, "12345678901234567890\n", ""},
		{".items[] | {id}", `{"items":[{"id":"a","x":1},{"id":"b"}]}`, "{\"id\":\"a\"}\n{\"id\":\"b\"}\n", ""},
		{"empty", `{}`, "", ""},
		{"1, halt, 2", `{}`, "1\n", ""},
		{"$ENV | length", `{}`, "0\n", ""},
		{`error("boom")`, `{}`, "", "jq: error: boom"},
		{".a.b", `{"a":"s"}`, "", "jq: expected an object but got: string"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			code, err := compileJQ(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			v, err := decodeJSON([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err = runJQ(context.Background(), &out, code, v)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("got %q, want %q", out.String(), tt.want)
			}
		})
	}
}

// TestRunAPITerminal: on a terminal the body is indented for people; in a
// pipe it goes out as Spotify sent it.
func TestRunAPITerminal(t *testing.T) {
	t.Parallel()
	fake := spotifytest.New(spotifytest.Config{})
	t.Cleanup(fake.Close)
	fake.AddApp(spotifytest.App{ClientID: "client"})
	fake.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice"})
	access, _ := fake.IssueTokens("client", "alice", nil, spotifytest.FlowPKCE, time.Now())
	env := map[string]string{"SPOTCLI_ACCESS_TOKEN": access, "SPOTCLI_CONFIG_DIR": t.TempDir(), "SPOTCLI_API_URL": fake.APIURL()}
	for _, tty := range []bool{false, true} {
		var out, errb bytes.Buffer
		f := cmdutil.NewFactory(cmdutil.BuildInfo{Version: "dev"})
		f.In, f.Out, f.Err = &bytes.Buffer{}, &out, &errb
		f.Getenv = func(k string) string { return env[k] }
		f.StdoutTTY = func() bool { return tty }
		if err := runAPI(context.Background(), &apiOptions{f: f, Path: "me"}); err != nil {
			t.Fatalf("%v: %s", err, errb.String())
		}
		lines := strings.Count(out.String(), "\n")
		if tty && (lines < 10 || !strings.Contains(out.String(), "\n  \"id\": \"alice\",\n")) {
			t.Errorf("not indented on a terminal:\n%s", out.String())
		}
		if !tty && lines != 1 {
			t.Errorf("not as sent in a pipe:\n%s", out.String())
		}
	}
}

// -F types exactly the values JSON writes as numbers; the rest stay strings.
func TestTypedFieldNumbers(t *testing.T) {
	t.Parallel()
	for v, number := range map[string]bool{
		"1": true, "-1": true, "0": true, "1.5": true, "1e5": true, "1E+5": true, "-0.5e-3": true, "12345678901234567890": true,
		"01": false, ".5": false, "1.": false, "1 ": false, " 1": false, "+1": false, "0x10": false, "NaN": false, "-": false, "1e": false, "": false,
	} {
		fd, err := parseTypedField("k="+v, nil)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if _, isNumber := fd.value.(json.Number); isNumber != number {
			t.Errorf("-F k=%q typed as %T, want number %v", v, fd.value, number)
		}
	}
}

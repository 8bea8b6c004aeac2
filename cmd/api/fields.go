package apicmd

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/spotcli/spotcli/cmd/cmdutil"
)

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
		return nil, cmdutil.UsageErrorf("--slurp needs --paginate")
	}
	req := &apiRequest{method: "GET", header: http.Header{}}
	fields := len(o.Fields) > 0
	switch {
	case o.MethodSet:
		if !isMethod(o.Method) {
			return nil, cmdutil.UsageErrorf("invalid method %q", o.Method)
		}
		req.method = strings.ToUpper(o.Method)
	case (fields || o.Input != "") && !o.Paginate:
		req.method = "POST"
	}
	if o.Paginate && req.method != "GET" {
		return nil, cmdutil.UsageErrorf("--paginate follows the pages of a GET, not of a %s", req.method)
	}
	stdinUsed := false
	readArg := func(what, name string) ([]byte, error) {
		if name == "-" {
			if stdinUsed {
				return nil, cmdutil.UsageErrorf("%s: stdin can be read only once", what)
			}
			stdinUsed = true
			return io.ReadAll(stdin)
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, cmdutil.UsageErrorf("%s: %v", what, err)
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
				return nil, cmdutil.UsageErrorf("-f %q: want key=value", fa.raw)
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
			return nil, cmdutil.UsageErrorf("-H %q: want \"Name: value\"", h)
		}
		if strings.EqualFold(name, "Authorization") {
			return nil, cmdutil.UsageErrorf("-H %q: spotcli sends the Authorization header itself", name)
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
		return apiField{}, cmdutil.UsageErrorf("-F %q: want key=value", raw)
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
		return nil, cmdutil.UsageErrorf("field key %q: want name, name[] or name[key]", key)
	}
	path := []string{name}
	if !strings.Contains(key, "[") {
		return path, nil
	}
	rest = "[" + rest
	for rest != "" {
		end := strings.Index(rest, "]")
		if rest[0] != '[' || end < 0 || strings.Contains(rest[1:end], "[") {
			return nil, cmdutil.UsageErrorf("field key %q: want name, name[] or name[key]", key)
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
			return cmdutil.UsageErrorf("field %q: %s is already an object", key, k)
		}
		if _, isArr := m[k].([]any); isArr {
			return cmdutil.UsageErrorf("field %q: %s is already an array", key, k)
		}
		m[k] = v
		return nil
	case path[1] == "":
		if len(path) > 2 {
			return cmdutil.UsageErrorf("field %q: arrays of objects are not supported: use --input", key)
		}
		arr, isArr := m[k].([]any)
		if _, taken := m[k]; taken && !isArr {
			return cmdutil.UsageErrorf("field %q: %s is already set and not an array", key, k)
		}
		m[k] = append(arr, v)
		return nil
	}
	sub, isObj := m[k].(map[string]any)
	if _, taken := m[k]; taken && !isObj {
		return cmdutil.UsageErrorf("field %q: %s is already set and not an object", key, k)
	}
	if sub == nil {
		sub = map[string]any{}
		m[k] = sub
	}
	return setField(sub, path[1:], v, key)
}

package cmdutil

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The token must not follow a redirect to another origin: net/http keeps the
// Authorization header when only the port changes.
func TestRedirectsStayOnOrigin(t *testing.T) {
	t.Parallel()
	var leaked string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = r.Header.Get("Authorization")
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/final", http.StatusFound)
		case "/final":
			w.Write([]byte("ok"))
		default:
			http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
		}
	}))
	defer api.Close()
	f := &Factory{}
	c := f.HTTPClient()
	for _, tt := range []struct {
		path    string
		wantErr bool
	}{{"/same", false}, {"/elsewhere", true}} {
		req, _ := http.NewRequest(http.MethodGet, api.URL+tt.path, nil)
		req.Header.Set("Authorization", "Bearer secret-token")
		res, err := c.Do(req)
		if res != nil {
			res.Body.Close()
		}
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, want error %v", tt.path, err, tt.wantErr)
		}
		if tt.wantErr && (err == nil || !strings.Contains(err.Error(), "refusing to follow a redirect")) {
			t.Errorf("%s: err = %v", tt.path, err)
		}
	}
	if leaked != "" {
		t.Errorf("the token reached another origin: %q", leaked)
	}
}

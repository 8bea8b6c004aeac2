package auth

import (
	"html/template"
	"net/http"
	"sync"
)

// page is what the loopback server shows the browser at the end of a login.
type page struct {
	Status int
	Title  string
	Body   string
	// Ignored marks an answer that did not end the login (wrong state).
	Ignored bool
}

// pageTemplate is self-contained (no external assets, so nothing leaks through a
// Referer) and follows the browser's light or dark scheme.
// It is parsed on first use: only login shows it, and every other command
// would pay for parsing it at start-up.
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(pageHTML))
})

const pageHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{{.Title}} · spotcli</title>
<style>
:root { color-scheme: light dark; --bg: #ffffff; --fg: #191414; --accent: #1db954; --muted: #5e5e5e; }
@media (prefers-color-scheme: dark) { :root { --bg: #121212; --fg: #f2f2f2; --accent: #1ed760; --muted: #b3b3b3; } }
body { background: var(--bg); color: var(--fg); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; }
main { max-width: 36rem; margin: 15vh auto; padding: 0 1.5rem; }
h1 { font-size: 1.5rem; border-left: 4px solid var(--accent); padding-left: .75rem; }
p.small { color: var(--muted); font-size: .875rem; }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p>{{.Body}}</p>
<p class="small">spotcli</p>
</main>
</body>
</html>
`

func writePage(w http.ResponseWriter, p page) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(p.Status)
	_ = pageTemplate().Execute(w, p)
}

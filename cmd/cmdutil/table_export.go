package cmdutil

import "io"

// Table is the listings' aligned table, for commands that gather their rows
// themselves (search): the column fit is cut to the terminal's width.
type Table struct{ t table }

// NewTable starts a table with its header.
func NewTable(header []string, fit int) *Table {
	return &Table{t: table{header: header, fit: fit}}
}

// Add appends a row.
func (t *Table) Add(row ...string) { t.t.add(row...) }

// Render writes the table for a terminal width columns wide (0: no limit).
func (t *Table) Render(w io.Writer, width int) error { return t.t.render(w, width) }

package cmdutil

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFitColumns: the name is cut to 30 first, then the least useful
// columns go, and the name is cut further only when nothing is left to
// drop.
func TestFitColumns(t *testing.T) {
	// NAME 40, ID 22, TRACKS 6, OWNER 5, VISIBILITY 13: 94 with the gaps.
	natural := []int{40, 22, 6, 5, 13}
	drop := []int{4, 3, 2}
	tests := []struct {
		width     int
		wantShown []bool
		wantName  int
	}{
		{0, []bool{true, true, true, true, true}, 40},
		{120, []bool{true, true, true, true, true}, 40},
		{94, []bool{true, true, true, true, true}, 40},
		{84, []bool{true, true, true, true, true}, 30},
		{80, []bool{true, true, true, true, false}, 40},
		{73, []bool{true, true, true, true, false}, 34},
		{60, []bool{true, true, false, false, false}, 36},
		{50, []bool{true, true, false, false, false}, 26},
		{40, []bool{true, true, false, false, false}, 16},
		{30, []bool{true, true, false, false, false}, 10},
	}
	for _, tt := range tests {
		shown, widths := fitColumns(natural, 0, drop, tt.width)
		if diff := cmp.Diff(tt.wantShown, shown); diff != "" {
			t.Errorf("width %d: shown (-want +got):\n%s", tt.width, diff)
		}
		if widths[0] != tt.wantName {
			t.Errorf("width %d: name %d columns, want %d", tt.width, widths[0], tt.wantName)
		}
	}
	// Without Drop, only the name is cut, to 10 at least.
	shown, widths := fitColumns(natural, 0, nil, 40)
	if !shown[4] || widths[0] != 10 {
		t.Errorf("no Drop: shown %v, name %d", shown, widths[0])
	}
}

// TestTableDropsColumns: a dropped column leaves no header, cell or
// trailing space behind.
func TestTableDropsColumns(t *testing.T) {
	tb := &table{header: []string{"NAME", "ID", "VISIBILITY"}, fit: 0, drop: []int{2}}
	tb.add("A rather long playlist name indeed", "3cEYpjA9oz9GiPac4AsH4n", "public")
	var b strings.Builder
	if err := tb.render(&b, 60); err != nil {
		t.Fatal(err)
	}
	want := "NAME                                ID\n" +
		"A rather long playlist name indeed  3cEYpjA9oz9GiPac4AsH4n\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

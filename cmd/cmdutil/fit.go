package cmdutil

// A table fits the terminal in this order: first the Fit column (the name)
// is cut, but not below minFit columns (or its own width); when that is not enough, the
// Listing's Drop columns are left out, least useful first, each time giving
// the name its room back; only when nothing is left to drop is the name cut
// further, to 10 columns at least. The name is the last thing to lose.
const minFit = 30

// fitColumns says which columns to show and how wide, for a line of at
// most width terminal columns (0: no limit). widths are the columns'
// natural widths; two spaces separate columns.
func fitColumns(widths []int, fit int, drop []int, width int) (shown []bool, out []int) {
	shown = make([]bool, len(widths))
	for i := range shown {
		shown[i] = true
	}
	out = append([]int(nil), widths...)
	if width <= 0 || fit < 0 || fit >= len(widths) {
		return shown, out
	}
	others := func() int {
		n, cols := 0, 0
		for i, w := range out {
			if shown[i] {
				cols++
				if i != fit {
					n += w
				}
			}
		}
		return n + 2*(cols-1)
	}
	floor := min(widths[fit], minFit)
	for _, d := range drop {
		if others()+floor <= width {
			break
		}
		if d != fit && d >= 0 && d < len(widths) {
			shown[d] = false
		}
	}
	if room := width - others(); widths[fit] > room {
		out[fit] = max(room, min(widths[fit], 10))
	}
	return shown, out
}

//go:build unix

package config

import (
	"bufio"
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
)

// openNonBlock opens a file for reading without waiting for a writer: a FIFO
// put where a file should be must not hang spotcli.
const openNonBlock = syscall.O_NONBLOCK

// ownerOf returns the owner and group of a file; ok is false where the OS
// does not tell.
func ownerOf(fi fs.FileInfo) (uid, gid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}

// privateGroup reports whether gid is uid's own group with nobody else in
// it (the "user private group" of Debian and Fedora, where a umask of 002
// makes every new file group-writable). Writable by that group is writable by
// the user alone, as Debian's OpenSSH accepts too. Anything it cannot prove
// counts as shared.
func privateGroup(uid, gid int) bool {
	u, err := user.LookupId(strconv.Itoa(uid))
	if err != nil || u.Gid != strconv.Itoa(gid) {
		return false
	}
	g, err := user.LookupGroupId(strconv.Itoa(gid))
	if err != nil || g.Name != u.Username {
		return false
	}
	f, err := os.Open("/etc/group")
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) != 4 || fields[2] != strconv.Itoa(gid) {
			continue
		}
		for _, m := range strings.Split(fields[3], ",") {
			if m != "" && m != u.Username {
				return false
			}
		}
		return true
	}
	return false
}

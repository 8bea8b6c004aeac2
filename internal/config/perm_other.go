//go:build !unix

package config

import "io/fs"

const openNonBlock = 0

// ownerOf: Windows keeps owners in ACLs, which spotcli does not check.
func ownerOf(fs.FileInfo) (uid, gid int, ok bool) { return 0, 0, false }

func privateGroup(uid, gid int) bool { return false }

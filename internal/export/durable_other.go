//go:build !linux

package export

// durable flushes the files of this run to the disk before the manifest
// names them.
func durable(_ string, files []string) { syncFiles(files) }

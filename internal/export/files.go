package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// FS is what the export does to the disk, so that tests can make it fail
// (a full disk, a read-only one) where they cannot make the real one fail.
type FS interface {
	MkdirAll(path string, perm fs.FileMode) error
	CreateTemp(dir, pattern string) (File, error)
	Rename(oldpath, newpath string) error
	Remove(path string) error
}

// File is a file being written.
type File interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
}

// OSFS is the real disk.
type OSFS struct{}

func (OSFS) MkdirAll(path string, perm fs.FileMode) error { return os.MkdirAll(path, perm) }
func (OSFS) CreateTemp(dir, pattern string) (File, error) { return os.CreateTemp(dir, pattern) }
func (OSFS) Rename(oldpath, newpath string) error         { return os.Rename(oldpath, newpath) }
func (OSFS) Remove(path string) error                     { return os.Remove(path) }

// tempPrefix starts the names of files being written; a run cleans up what a
// killed one left.
const tempPrefix = ".spotcli-tmp-"

// atomicFile is written under a temporary name next to its final one and
// renamed into place by commit, so that the final name only ever holds a
// complete file.
type atomicFile struct {
	fsys  FS
	f     File
	w     *bufio.Writer
	final string
	err   error // the first write error; writes after it do nothing
	// sync makes commit fsync the file; the others are made durable
	// together before the manifest (durable).
	sync bool
}

func createAtomic(fsys FS, final string) (*atomicFile, error) {
	f, err := fsys.CreateTemp(filepath.Dir(final), tempPrefix+filepath.Base(final)+"-*")
	if err != nil {
		return nil, writeError(final, err)
	}
	return &atomicFile{fsys: fsys, f: f, w: bufio.NewWriterSize(f, 64<<10), final: final}, nil
}

func (a *atomicFile) Write(p []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	n, err := a.w.Write(p)
	if err != nil {
		a.err = writeError(a.final, err)
	}
	return n, a.err
}

func (a *atomicFile) WriteString(s string) (int, error) { return a.Write([]byte(s)) }

// commit flushes the file and renames it into place.
func (a *atomicFile) commit() error {
	if a.err == nil {
		if err := a.w.Flush(); err != nil {
			a.err = writeError(a.final, err)
		}
	}
	if a.sync && a.err == nil {
		if err := a.f.Sync(); err != nil {
			a.err = writeError(a.final, err)
		}
	}
	if err := a.f.Close(); err != nil && a.err == nil {
		a.err = writeError(a.final, err)
	}
	if a.err == nil {
		if err := a.fsys.Rename(a.f.Name(), a.final); err != nil {
			a.err = writeError(a.final, err)
		}
	}
	if a.err != nil {
		_ = a.fsys.Remove(a.f.Name())
	}
	return a.err
}

// abort drops the temporary file.
func (a *atomicFile) abort() {
	_ = a.f.Close()
	_ = a.fsys.Remove(a.f.Name())
}

// WriteError is a file of the backup that could not be written. The
// previous version of the file, if any, is untouched.
type WriteError struct {
	Path string
	Err  error
}

func (e *WriteError) Error() string {
	hint := ""
	switch {
	case errors.Is(e.Err, syscall.ENOSPC), errors.Is(e.Err, syscall.EDQUOT):
		hint = ": free some space and run again"
	case errors.Is(e.Err, syscall.EROFS), errors.Is(e.Err, fs.ErrPermission):
		hint = ": choose a directory you can write to"
	}
	return fmt.Sprintf("write %s: %v%s (the previous backup there is intact)", e.Path, unwrapPathError(e.Err), hint)
}

func (e *WriteError) Unwrap() error { return e.Err }

func writeError(path string, err error) error {
	var we *WriteError
	if errors.As(err, &we) {
		return err
	}
	return &WriteError{Path: path, Err: err}
}

// unwrapPathError keeps the reason of an *fs.PathError, whose own message
// repeats the (temporary) path.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// removeStale deletes the temporary files a killed run left in dir.
func removeStale(fsys FS, dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			_ = fsys.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// scanned is what a backup file holds, read without holding it in memory.
type scanned struct {
	snapshotID string            // the playlist's, for a playlist file
	items      int               // how many items
	first      []json.RawMessage // the first items, as asked
}

// scanFile reads a playlist or library file written by writeItems: the
// snapshot_id of its playlist, its first `first` items and, if count, how many
// it holds. An incomplete or foreign file is an error, and is fetched anew.
func scanFile(path string, first int, count bool) (*scanned, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 64<<10))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var s scanned
	sawItems := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch tok {
		case "playlist":
			var p struct {
				SnapshotID string `json:"snapshot_id"`
			}
			if err := dec.Decode(&p); err != nil {
				return nil, err
			}
			s.snapshotID = p.SnapshotID
		case "items":
			sawItems = true
			if err := expectDelim(dec, '['); err != nil {
				return nil, err
			}
			for dec.More() {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return nil, err
				}
				if len(s.first) < first {
					s.first = append(s.first, raw)
				}
				s.items++
				if !count && len(s.first) >= first {
					return &s, nil
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return nil, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	if !sawItems {
		return nil, errors.New("no items")
	}
	return &s, nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("want %v, got %v", d, tok)
	}
	return nil
}

// sameItems reports whether two lists of items are the same JSON, whatever
// the spacing.
func sameItems(a, b []json.RawMessage) bool {
	if len(a) != len(b) {
		return false
	}
	var ca, cb bytes.Buffer
	for i := range a {
		ca.Reset()
		cb.Reset()
		if json.Compact(&ca, a[i]) != nil || json.Compact(&cb, b[i]) != nil || !bytes.Equal(ca.Bytes(), cb.Bytes()) {
			return false
		}
	}
	return true
}

// itemsWriter streams a file {"playlist": P, "items": [...]} (or
// {"items": [...]} without a playlist), one compact item per line.
type itemsWriter struct {
	w   io.Writer
	n   int
	buf bytes.Buffer
}

func startItems(w io.Writer, playlist json.RawMessage) (*itemsWriter, error) {
	iw := &itemsWriter{w: w}
	iw.buf.WriteString("{")
	if playlist != nil {
		iw.buf.WriteString(`"playlist":`)
		if err := oneLine(&iw.buf, playlist); err != nil {
			return nil, fmt.Errorf("the playlist object from Spotify is not JSON: %w", err)
		}
		iw.buf.WriteString(",\n")
	}
	iw.buf.WriteString(`"items":[`)
	_, err := w.Write(iw.buf.Bytes())
	return iw, err
}

func (iw *itemsWriter) add(item json.RawMessage) error {
	iw.buf.Reset()
	if iw.n > 0 {
		iw.buf.WriteByte(',')
	}
	iw.buf.WriteByte('\n')
	if err := oneLine(&iw.buf, item); err != nil {
		return fmt.Errorf("an item from Spotify is not JSON: %w", err)
	}
	iw.n++
	_, err := iw.w.Write(iw.buf.Bytes())
	return err
}

func (iw *itemsWriter) end() error {
	end := "\n]}\n"
	if iw.n == 0 {
		end = "]}\n"
	}
	_, err := io.WriteString(iw.w, end)
	return err
}

// syncFiles fsyncs files one by one, where the whole file system cannot be.
func syncFiles(files []string) {
	for _, p := range files {
		if f, err := os.Open(p); err == nil {
			_ = f.Sync()
			_ = f.Close()
		}
	}
}

// oneLine appends item, valid JSON as the pager hands it over, on one line:
// as it is when it has no line break (a JSON string cannot hold a raw one),
// compacted otherwise (Spotify indents its answers). Compacting every item
// was a third of an export's CPU.
func oneLine(buf *bytes.Buffer, item json.RawMessage) error {
	if bytes.IndexByte(item, '\n') < 0 && bytes.IndexByte(item, '\r') < 0 {
		buf.Write(bytes.TrimSpace(item))
		return nil
	}
	return json.Compact(buf, item)
}

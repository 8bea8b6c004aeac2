package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Version is the manifest's layout version. A change a reader of version 1
// would misread bumps it; new fields do not.
const Version = 1

// Manifest is DIR/manifest.json: what the backup holds. It is written last,
// after every file it names is complete.
type Manifest struct {
	Version    int                     `json:"version"`
	ExportedAt string                  `json:"exported_at"`
	User       User                    `json:"user"`
	Playlists  []PlaylistRecord        `json:"playlists"`
	Library    map[string]LibraryEntry `json:"library"`
}

// User is the account the backup is of.
type User struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
}

// Playlist statuses.
const (
	StatusOK      = "ok"
	StatusSkipped = "skipped"
	StatusRemoved = "removed"
)

// PlaylistRecord is one playlist of the manifest.
type PlaylistRecord struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	SnapshotID string `json:"snapshot_id"`
	// File is relative to DIR; empty when no file was ever written (a
	// playlist skipped on its first export).
	File  string `json:"file,omitempty"`
	CSV   string `json:"csv,omitempty"`
	Items int    `json:"items"`
	// Status is ok, skipped (Reason says why) or removed (gone from the
	// account on RemovedAt, a date; the file stays).
	Status    string `json:"status"`
	Reason    string `json:"reason,omitempty"`
	RemovedAt string `json:"removed_at,omitempty"`
}

// LibraryEntry is one library kind of the manifest.
type LibraryEntry struct {
	File  string `json:"file"`
	CSV   string `json:"csv,omitempty"`
	Items int    `json:"items"`
}

const manifestName = "manifest.json"

// readManifest reads DIR's manifest; a DIR without one gives nil. A file
// that is not a manifest is an error: DIR is then not a backup of ours, and
// nothing in it is touched.
func readManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, manifestName)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Version == 0 {
		return nil, fmt.Errorf("%s is not a spotcli export manifest: choose another directory, or move the file away to start a new backup there", path)
	}
	if m.Version > Version {
		return nil, fmt.Errorf("%s has layout version %d, newer than this spotcli's %d: update spotcli", path, m.Version, Version)
	}
	return &m, nil
}

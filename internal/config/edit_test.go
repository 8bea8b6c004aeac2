package config

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// Edits at once lose none of each other's changes.
func TestEditConcurrent(t *testing.T) {
	dir := t.TempDir()
	path, locks := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "locks")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := fmt.Sprintf("p%d", i)
			_, err := Edit(context.Background(), path, locks, p, func(f *File) (bool, error) {
				return true, f.Set(p, KeyClientID, fmt.Sprintf("client%d", i))
			})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		p := fmt.Sprintf("p%d", i)
		if v, _, ok := f.Get(p, KeyClientID); !ok || v != fmt.Sprintf("client%d", i) {
			t.Errorf("profile %s: client_id %q (%v)", p, v, ok)
		}
	}
}

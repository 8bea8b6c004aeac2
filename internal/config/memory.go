package config

import (
	"sync"

	"github.com/spotcli/spotcli/internal/auth"
)

// MemoryStore keeps records for this process only: credentials from the
// environment are refreshed in memory, and nothing touches the disk or the
// keyring.
type MemoryStore struct {
	// Where says where the credentials came from, for people.
	Where string

	mu   sync.Mutex
	recs map[string]*auth.Record
}

func (s *MemoryStore) Load(profile string) (*auth.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.recs[profile]
	if !ok {
		return nil, auth.ErrNotFound
	}
	c := *r
	return &c, nil
}

func (s *MemoryStore) Save(profile string, rec *auth.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recs == nil {
		s.recs = map[string]*auth.Record{}
	}
	c := *rec
	s.recs[profile] = &c
	return nil
}

func (s *MemoryStore) Delete(profile string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.recs[profile]
	delete(s.recs, profile)
	return ok, nil
}

func (s *MemoryStore) Location(string) string { return s.Where }

package api

import (
	"context"
	"encoding/json"
	"fmt"
)

// User is the part of /v1/me spotcli reads; the raw object is kept for --json.
type User struct {
	ID          string          `json:"id"`
	DisplayName string          `json:"display_name"`
	Email       string          `json:"email"`
	Country     string          `json:"country"`
	Product     string          `json:"product"`
	Raw         json.RawMessage `json:"-"`
}

// Me fetches the current user.
func (c *Client) Me(ctx context.Context) (*User, error) {
	b, err := c.Get(ctx, "me")
	if err != nil {
		return nil, err
	}
	var u User
	if err := json.Unmarshal(b, &u); err != nil || u.ID == "" {
		return nil, fmt.Errorf("unexpected answer from /me: %s", firstLine(string(b), 120))
	}
	u.Raw = json.RawMessage(b)
	return &u, nil
}

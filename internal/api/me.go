package api

import (
	"context"
	"encoding/json"
	"fmt"
)

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

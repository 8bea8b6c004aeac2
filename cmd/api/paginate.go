package apicmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/itchyny/gojq"
	"github.com/spotcli/spotcli/internal/api"
)

// paginateAPI follows the pages of a GET from its first answer and writes
// every item: as NDJSON, one array with --slurp, or through --jq.
func paginateAPI(ctx context.Context, o *apiOptions, client *api.Client, code *gojq.Code, link string, first []byte) error {
	f := o.f
	jw := f.JSONWriter(o.Slurp)
	var all []any // --slurp --jq
	emit := func(items []json.RawMessage) error {
		for _, raw := range items {
			switch {
			case code == nil:
				if err := jw.Write(raw); err != nil {
					return err
				}
			case o.Slurp:
				v, err := decodeJSON(raw)
				if err != nil {
					return err
				}
				all = append(all, v)
			default:
				v, err := decodeJSON(raw)
				if err != nil {
					return err
				}
				if err := runJQ(ctx, f.Out, code, v); err != nil {
					return err
				}
			}
		}
		return nil
	}
	err := client.PaginateFrom(ctx, link, first, api.PageOptions{Concurrency: 8}, emit)
	var npe *api.NotPagedError
	if errors.As(err, &npe) {
		return fmt.Errorf("--paginate: %w", err)
	}
	if err != nil {
		return err
	}
	switch {
	case code != nil && o.Slurp:
		if all == nil {
			all = []any{}
		}
		return runJQ(ctx, f.Out, code, all)
	case o.Slurp:
		return jw.Close()
	}
	return nil
}

package cmdutil

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/internal/api"
)

func TestReadItemsKeywords(t *testing.T) {
	const id, other = "4uLU6hMCjMI75M1A2tKUQC", "0TnOYISbd1XYRBk9myaseg"
	playing := api.Ref{Type: "track", ID: other}
	f := &Factory{ItemKeywords: map[string]ItemResolver{
		"current": func(context.Context, *Factory) (string, error) { return playing.URI(), nil },
	}}
	ctx := context.Background()

	f.In = strings.NewReader("spotify:track:" + id + "\ncurrent\n")
	got, err := ReadItems(ctx, f, nil, api.RefParser{})
	want := []api.RefLine{{Ref: api.Ref{Type: "track", ID: id}, Line: 1}, {Ref: playing, Line: 2}}
	if err != nil || !cmp.Equal(want, got) {
		t.Fatalf("stdin: %v %v", got, err)
	}
	got, err = ReadItems(ctx, f, []string{"current", id}, api.RefParser{})
	if err != nil || len(got) != 2 || got[0].Ref != playing || got[1].Line != 0 {
		t.Fatalf("args: %v %v", got, err)
	}

	playing = api.Ref{Type: "album", ID: other}
	_, err = ReadItems(ctx, f, []string{id, "current"}, api.RefParser{})
	if err == nil || !strings.Contains(err.Error(), "argument 2 (current): current: ") || !strings.Contains(err.Error(), "is an album") {
		t.Errorf("current is an album: %v", err)
	}
	f.ItemKeywords["current"] = func(context.Context, *Factory) (string, error) { return "", errors.New("nothing is playing") }
	f.In = strings.NewReader("current\n")
	if _, err := ReadItems(ctx, f, nil, api.RefParser{}); err == nil || !strings.Contains(err.Error(), "line 1: current: nothing is playing") {
		t.Errorf("nothing playing: %v", err)
	}
	f.ItemKeywords = nil
	_, err = ReadItems(ctx, f, []string{"current"}, api.RefParser{})
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Errorf("without the player, current is no item: %v", err)
	}
}

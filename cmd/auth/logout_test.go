package authcmd

import (
	"context"
	"testing"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
)

func TestNewLogoutCmd(t *testing.T) {
	t.Parallel()
	ran := false
	if err := cmdutiltest.Parse(t, NewLogoutCmd(&cmdutil.Factory{}, func(context.Context, *logoutOptions) error { ran = true; return nil })); err != nil || !ran {
		t.Fatalf("err %v, ran %v", err, ran)
	}
	err := cmdutiltest.Parse(t, NewLogoutCmd(&cmdutil.Factory{}, nil), "work")
	cmdutiltest.WantCode(t, err, cmdutil.ExitUsage)
}

func TestRunLogout(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	e.SeedFresh("default")
	e.SeedFresh("work")

	r := e.Factory("")
	if err := runLogout(context.Background(), &logoutOptions{f: r.F}); err != nil {
		t.Fatal(err)
	}
	if r.Out.Len() != 0 || r.Err.String() != "Logged out: removed the stored login of profile \"default\"\n" {
		t.Errorf("stdout %q, stderr %q", r.Out, r.Err)
	}
	if e.Record("default") != nil {
		t.Error("the login is still stored")
	}
	if e.Record("work") == nil {
		t.Error("another profile's login was removed")
	}

	// Nothing left to remove: still a success.
	r = e.Factory("")
	if err := runLogout(context.Background(), &logoutOptions{f: r.F}); err != nil {
		t.Fatal(err)
	}
	if r.Err.String() != "No login was stored for profile \"default\"\n" {
		t.Errorf("stderr %q", r.Err)
	}

	// The keyring is cleared too.
	e.Setenv("SPOTCLI_PROFILE", "work")
	if err := e.Keyring.Set("spotcli", "work", "{}"); err != nil {
		t.Fatal(err)
	}
	if err := runLogout(context.Background(), &logoutOptions{f: e.Factory("").F}); err != nil {
		t.Fatal(err)
	}
	if e.Record("work") != nil {
		t.Error("the work login is still in the file store")
	}
	if _, err := e.Keyring.Get("spotcli", "work"); err == nil {
		t.Error("the work login is still in the keyring")
	}
}

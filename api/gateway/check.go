package gateway

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"esign-gateway/api"
	"esign-gateway/esign"
	"esign-gateway/esign/check"
	"esign-gateway/service"
)

// CheckOptions are the self-check's flags.
type CheckOptions struct {
	// Reach asks the check to post to server.public_url + the callback path.
	Reach bool
	// OrgName and PsnAccount name a real-named organization and person of
	// the e签宝 account, for the endpoints that need e签宝's v3 ids.
	OrgName, PsnAccount string
}

// ErrCheckFailed is returned when a step of the self-check failed; the
// report says which.
var ErrCheckFailed = errors.New("check: some e签宝 calls failed (see the table)")

// Check runs `esign-gateway check`: the calls the gateway makes, against
// the e签宝 account in cfg, and a table of the actions it is ready for.
// It uses no store and no DingTalk setting.
func Check(ctx context.Context, cfg Config, opts CheckOptions, out io.Writer) error {
	ecfg := cfg.Esign.Config
	ecfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	ec, err := esign.New(ecfg)
	if err != nil {
		return err
	}
	path := cfg.Esign.CallbackPath
	if path == "" {
		path = service.DefaultCallbackPath
	}
	public := cfg.Server.PublicURL
	if public == "" {
		public = DefaultPublicURL
	}
	var actions []check.Action
	for _, a := range api.Actions() {
		if a.Version != "oauth2_1.0" {
			actions = append(actions, check.Action{Action: a.Action, Version: a.Version, Calls: a.Calls})
		}
	}
	rep := check.Run(ctx, ec, check.Config{AppID: ecfg.AppID, PublicURL: public, CallbackPath: path,
		Reach: opts.Reach, OrgName: opts.OrgName, PsnAccount: opts.PsnAccount, AuthScopes: service.DefaultAuthScopes}, actions)
	if err := rep.Write(out); err != nil {
		return err
	}
	if rep.Failed() {
		return ErrCheckFailed
	}
	return nil
}

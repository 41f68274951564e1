// Command esign-gateway serves DingTalk's e签宝 API (esign_1.0 and
// esign_2.0) to DingTalk apps and fulfils it against the e签宝 OpenAPI.
//
//	esign-gateway [serve] --config config.yaml
//	esign-gateway demo [--addr 127.0.0.1:8080]
//	esign-gateway token --config config.yaml --app KEY --corp CORPID
//	esign-gateway version
//
// main.go holds the commands and the configuration loading (viper, only
// here); api/gateway wires and runs the gateway.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"reflect"
	"strings"
	"syscall"

	"github.com/gin-gonic/gin"
	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"

	"esign-gateway/api/gateway"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "esign-gateway:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	gin.SetMode(gin.ReleaseMode)
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	cfgFile := fs.String("config", "", "config file (YAML)")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (demo)")
	esignAddr := fs.String("esign-addr", "127.0.0.1:0", "listen address of the e签宝 emulator (demo)")
	appKey := fs.String("app", "", "app key (token)")
	corp := fs.String("corp", "", "corp id (token)")
	reach := fs.Bool("reach", false, "also post to server.public_url + the callback path (check)")
	orgName := fs.String("org-name", "", "a real-named organization of the e签宝 account, for the v3 endpoints (check)")
	psnAccount := fs.String("psn-account", "", "mobile or email of a real-named person of the e签宝 account (check)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cmd == "version" {
		fmt.Fprintln(out, "esign-gateway", gateway.Version())
		return nil
	}
	cfg, err := loadConfig(*cfgFile)
	if err != nil {
		return err
	}
	cfg.Hooks.Out = out
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "serve":
		return serve(ctx, cfg)
	case "demo":
		return gateway.Demo(ctx, *cfg, *addr, *esignAddr, out)
	case "token":
		return mintToken(ctx, cfg, *appKey, *corp, out)
	case "check":
		return gateway.Check(ctx, *cfg, gateway.CheckOptions{Reach: *reach, OrgName: *orgName, PsnAccount: *psnAccount}, out)
	}
	return fmt.Errorf("unknown command %q (serve, demo, token, check, version)", cmd)
}

// serve runs the gateway until SIGTERM/SIGINT (or ctx ends), then drains.
func serve(ctx context.Context, cfg *gateway.Config) error {
	g, err := gateway.New(ctx, *cfg)
	if err != nil {
		return err
	}
	defer g.Close()
	ln, err := g.Listen()
	if err != nil {
		return err
	}
	return g.Serve(ctx, ln, nil)
}

func mintToken(ctx context.Context, cfg *gateway.Config, appKey, corpID string, out io.Writer) error {
	if appKey == "" || corpID == "" {
		return errors.New("token: --app and --corp are required")
	}
	cfg.Hooks.Out = io.Discard
	g, err := gateway.New(ctx, *cfg)
	if err != nil {
		return err
	}
	defer g.Close()
	tok, err := g.Services.Tokens.Mint(ctx, appKey, corpID)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, tok.AccessToken)
	return nil
}

// loadConfig reads file (optional), then ESIGNGW_* environment variables
// (ESIGNGW_ESIGN_APP_SECRET for esign.app_secret). Lists come from the
// environment as comma-separated values, dingtalk.apps as JSON. Defaults
// are not written here: a key left unset stays zero, and each package
// fills in its own default.
func loadConfig(file string) (*gateway.Config, error) {
	v := viper.New()
	// Viper only lets environment variables reach Unmarshal for keys it
	// knows (spf13/viper#761), so every key of Config is made known, empty.
	for key, zero := range configKeys() {
		v.SetDefault(key, zero)
	}
	v.SetEnvPrefix("ESIGNGW")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	if file != "" {
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config %s: %w", file, err)
		}
	}
	var cfg gateway.Config
	hook := mapstructure.ComposeDecodeHookFunc(jsonStringHook, jsonMapHook, mapstructure.StringToTimeDurationHookFunc(), mapstructure.StringToSliceHookFunc(","))
	if err := v.Unmarshal(&cfg, viper.DecodeHook(hook)); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return &cfg, nil
}

// configKeys lists every key of gateway.Config (mapstructure names, dotted)
// with an empty value of its kind.
func configKeys() map[string]any {
	out := map[string]any{}
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if opts == "squash" {
				walk(f.Type, prefix)
				continue
			}
			key := prefix + name
			switch f.Type.Kind() {
			case reflect.Struct:
				walk(f.Type, key+".")
			case reflect.Slice:
				if f.Type.Elem().Kind() == reflect.Struct {
					out[key] = []map[string]any{}
				} else {
					out[key] = []string{}
				}
			case reflect.Map:
				out[key] = reflect.MakeMap(f.Type).Interface()
			default:
				out[key] = reflect.Zero(f.Type).Interface()
			}
		}
	}
	walk(reflect.TypeFor[gateway.Config](), "")
	return out
}

// jsonStringHook decodes a JSON string into a slice of structs, so that
// ESIGNGW_DINGTALK_APPS='[{"key":...}]' works.
func jsonStringHook(from, to reflect.Type, data any) (any, error) {
	s, ok := data.(string)
	if !ok || from.Kind() != reflect.String || to.Kind() != reflect.Slice || to.Elem().Kind() != reflect.Struct {
		return data, nil
	}
	var out []map[string]any
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("want a JSON list: %w", err)
	}
	return out, nil
}

// jsonMapHook decodes a JSON string into a map, so that a map-valued key
// can come from the environment:
// ESIGNGW_RATELIMIT_PER_API='{"/v2.0/esign/process/startAtOnce":5}'.
func jsonMapHook(from, to reflect.Type, data any) (any, error) {
	s, ok := data.(string)
	if !ok || from.Kind() != reflect.String || to.Kind() != reflect.Map {
		return data, nil
	}
	out := map[string]any{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("want a JSON object: %w", err)
	}
	return out, nil
}

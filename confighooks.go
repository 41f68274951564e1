package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

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

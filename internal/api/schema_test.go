package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"

	"gongzhi/internal/api"
)

// conforms checks an answer against a schema of the OpenAPI document:
// every required property present, none undocumented, types, enums and
// nullable as written. The schemas are generated from the Go types, but
// required, nullable and enum also come from what the route table says in
// words, so this keeps those words honest about what handlers really send.
func conforms(t *testing.T, schema string, r resp) {
	t.Helper()
	b, err := api.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("answer is not JSON: %s", r.body)
	}
	var problems []string
	checkSchema(doc, map[string]any{"$ref": "#/components/schemas/" + schema}, v, schema, &problems)
	for _, p := range problems {
		t.Errorf("%s", p)
	}
	if len(problems) > 0 {
		t.Logf("answer: %.1000s", r.body)
	}
}

// flatSchema is a schema with its $refs followed and allOf merged.
type flatSchema struct {
	typ        string
	props      map[string]any
	required   []string
	nullable   bool
	enum       []any
	items      any
	additional any
}

func flatten(doc map[string]any, s any) flatSchema {
	m, _ := resolve(doc, s).(map[string]any)
	f := flatSchema{props: map[string]any{}}
	for _, part := range asList(m["allOf"]) {
		g := flatten(doc, part)
		for k, v := range g.props {
			f.props[k] = v
		}
		f.required = append(f.required, g.required...)
		if g.typ != "" {
			f.typ = g.typ
		}
	}
	if t, ok := m["type"].(string); ok {
		f.typ = t
	}
	if p, ok := m["properties"].(map[string]any); ok {
		for k, v := range p {
			f.props[k] = v
		}
	}
	for _, r := range asList(m["required"]) {
		f.required = append(f.required, r.(string))
	}
	f.nullable, _ = m["nullable"].(bool)
	f.enum = asList(m["enum"])
	f.items = m["items"]
	f.additional = m["additionalProperties"]
	return f
}

func checkSchema(doc map[string]any, s any, v any, at string, problems *[]string) {
	f := flatten(doc, s)
	bad := func(format string, args ...any) { *problems = append(*problems, at+": "+fmt.Sprintf(format, args...)) }
	if v == nil {
		if !f.nullable {
			bad("null, but the schema is not nullable")
		}
		return
	}
	if len(f.enum) > 0 && !slices.Contains(f.enum, v) {
		bad("%v is not one of %v", v, f.enum)
	}
	switch f.typ {
	case "object":
		o, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			return
		}
		for _, r := range f.required {
			if _, ok := o[r]; !ok {
				bad("required property %q missing", r)
			}
		}
		keys := make([]string, 0, len(o))
		for k := range o {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := f.props[k]; ok {
				checkSchema(doc, ps, o[k], at+"."+k, problems)
			} else if f.additional == nil && len(f.props) > 0 {
				bad("property %q is not documented", k)
			} else if as, ok := f.additional.(map[string]any); ok {
				checkSchema(doc, as, o[k], at+"."+k, problems)
			}
		}
	case "array":
		l, ok := v.([]any)
		if !ok {
			bad("want an array, got %T", v)
			return
		}
		for i, x := range l {
			checkSchema(doc, f.items, x, fmt.Sprintf("%s[%d]", at, i), problems)
		}
	case "string":
		if _, ok := v.(string); !ok {
			bad("want a string, got %T", v)
		}
	case "integer":
		if n, ok := v.(float64); !ok || n != float64(int64(n)) {
			bad("want an integer, got %v", v)
		}
	case "number":
		if _, ok := v.(float64); !ok {
			bad("want a number, got %T", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T", v)
		}
	}
}

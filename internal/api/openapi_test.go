package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gongzhi/internal/api"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPI fetches the document without a token and checks it against
// the route table: every route documented with its method, parameters and
// error responses, no documented path that is not served, every $ref
// resolving, and the error schema and bearer scheme present.
func TestOpenAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		res := e.do("", "GET", "/openapi.json", nil)
		if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
			t.Fatalf("openapi.json: %d %v", res.status, res.header)
		}
		if want, err := api.OpenAPI(); err != nil || !bytes.Equal(res.body, want) {
			t.Errorf("served document is not the generated one (err %v)", err)
		}
		var doc map[string]any
		if err := json.Unmarshal(res.body, &doc); err != nil {
			t.Fatalf("openapi.json is not JSON: %v", err)
		}
		if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.0.") {
			t.Errorf("openapi version %q, want 3.0.x", v)
		}
		get := func(v any, keys ...string) any {
			for _, k := range keys {
				m, ok := v.(map[string]any)
				if !ok {
					return nil
				}
				v = m[k]
			}
			return v
		}
		if get(doc, "components", "securitySchemes", "bearerAuth", "scheme") != "bearer" {
			t.Error("no bearer security scheme")
		}
		if req, _ := get(doc, "components", "schemas", "Error", "properties", "error", "required").([]any); len(req) != 3 {
			t.Errorf("Error schema must require code, message, details: %v", req)
		}
		if get(doc, "servers") == nil || get(doc, "servers").([]any)[0].(map[string]any)["url"] != api.Prefix {
			t.Errorf("servers must be %s", api.Prefix)
		}

		paths, _ := doc["paths"].(map[string]any)
		served := map[string]bool{}
		for _, rt := range api.Routes() {
			served[rt.Path] = true
			op, ok := get(paths, rt.Path, strings.ToLower(rt.Method)).(map[string]any)
			if !ok {
				t.Errorf("route %s %s is not in openapi.json", rt.Method, rt.Path)
				continue
			}
			responses, _ := op["responses"].(map[string]any)
			if len(responses) == 0 {
				t.Errorf("%s %s documents no responses", rt.Method, rt.Path)
			}
			sec, hasSec := op["security"].([]any)
			if rt.Public != (hasSec && len(sec) == 0) {
				t.Errorf("%s %s: public=%v but security is %v", rt.Method, rt.Path, rt.Public, op["security"])
			}
			if !rt.Public && responses["401"] == nil {
				t.Errorf("%s %s does not document 401", rt.Method, rt.Path)
			}
			if op["operationId"] == nil {
				t.Errorf("%s %s has no operationId", rt.Method, rt.Path)
			}
			// Every {param} of the path is declared as a path parameter.
			var declared []string
			for _, p := range append(asList(get(paths, rt.Path, "parameters")), asList(op["parameters"])...) {
				p = resolve(doc, p)
				if get(p, "in") == "path" {
					declared = append(declared, get(p, "name").(string))
				}
			}
			for _, m := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(rt.Path, -1) {
				if !slices.Contains(declared, m[1]) {
					t.Errorf("%s %s: path parameter %s not declared", rt.Method, rt.Path, m[1])
				}
			}
			if (rt.Method == "POST" || rt.Method == "PATCH") && op["requestBody"] == nil {
				t.Errorf("%s %s documents no request body", rt.Method, rt.Path)
			}
			// A JSON body or answer is a named schema, so clients generated
			// from the document get a type name and schema_test can check it.
			bodies := map[string]any{"request": get(op, "requestBody", "content", "application/json", "schema")}
			for status, r := range responses {
				bodies[status] = get(r, "content", "application/json", "schema")
			}
			for which, s := range bodies {
				if s != nil && get(s, "$ref") == nil && rt.Path != "/openapi.json" {
					t.Errorf("%s %s: %s body is not a named schema; add its type to namedSchemas", rt.Method, rt.Path, which)
				}
			}
		}
		for p, item := range paths {
			if !served[p] {
				t.Errorf("openapi.json documents %s, which no route serves", p)
			}
			for method := range item.(map[string]any) {
				if method == "parameters" {
					continue
				}
				if !slices.ContainsFunc(api.Routes(), func(r api.Route) bool { return r.Path == p && strings.ToLower(r.Method) == method }) {
					t.Errorf("openapi.json documents %s %s, which no route serves", strings.ToUpper(method), p)
				}
			}
		}
		// Every $ref points at something.
		for _, m := range regexp.MustCompile(`"\$ref":\s*"#/([^"]+)"`).FindAllStringSubmatch(string(res.body), -1) {
			if get(doc, strings.Split(m[1], "/")...) == nil {
				t.Errorf("dangling $ref #/%s", m[1])
			}
		}
	})
}

// TestOpenAPIValid checks the generated document against the OpenAPI 3.0
// specification with an independent implementation.
func TestOpenAPIValid(t *testing.T) {
	b, err := api.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Errorf("invalid OpenAPI 3.0: %v", err)
	}
	paths := map[string]bool{}
	for _, rt := range api.Routes() {
		paths[rt.Path] = true
	}
	if got := len(doc.Paths.Map()); got != len(paths) {
		t.Errorf("%d paths in the document, %d in the route table", got, len(paths))
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// resolve follows a local $ref.
func resolve(doc map[string]any, v any) any {
	m, ok := v.(map[string]any)
	if !ok || m["$ref"] == nil {
		return v
	}
	var cur any = doc
	for _, k := range strings.Split(strings.TrimPrefix(m["$ref"].(string), "#/"), "/") {
		cur = cur.(map[string]any)[k]
	}
	return cur
}

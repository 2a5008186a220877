package api

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Op is the OpenAPI operation of a route: what a reader of the document
// needs beyond the method and path. Request and response schemas are Go
// types, reflected into JSON Schema, so the document cannot drift from
// what handlers decode and encode.
type Op struct {
	ID      string  // operationId
	Tag     string  // one of docTags
	Summary string  // one line, English
	Desc    string  // more, when the summary is not enough
	Params  []Param // query parameters, and path parameters beyond the defaults
	Body    *Body   // the request body, if any
	Resps   []Resp  // the answers that are not errors
	Errs    []int   // error statuses besides 401 (every token route) and 500 (every route)
}

// Param is one parameter. Ref names a shared one of sharedParams instead.
type Param struct {
	Ref      string
	Name     string
	In       string // "query" when empty
	Desc     string
	Required bool
	Schema   string // JSON Schema, e.g. `{"type":"string","enum":["a","b"]}`
}

// Body is a request body: JSON of Type, and/or other media types.
type Body struct {
	Type      reflect.Type // the JSON body
	Desc      string
	Optional  bool
	Multipart string   // JSON Schema of a multipart/form-data body
	Files     []string // media types the body may also be sent as, raw
}

// Resp is one answer that is not an error.
type Resp struct {
	Status   int
	Desc     string
	Type     reflect.Type // the JSON body; nil for none
	Files    []string     // media types of a file answer (binary)
	Location bool         // a 201 that says where the new record lives
	Headers  []Header
}

// Header is a response header worth documenting.
type Header struct{ Name, Desc string }

// typeOf spells a Go type in the route table.
func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// OpenAPI returns the OpenAPI 3.0 document of this API as JSON, generated
// from the route table and the request and response types. It is built
// on each call: that takes about a millisecond, clients cache it, and no
// package state is needed.
func OpenAPI() ([]byte, error) {
	g := newSchemaGen()
	paths := map[string]any{}
	ids := map[string]bool{}
	for _, rt := range Routes() {
		if ids[rt.Op.ID] || rt.Op.ID == "" {
			return nil, fmt.Errorf("%s %s: operationId %q missing or repeated", rt.Method, rt.Path, rt.Op.ID)
		}
		ids[rt.Op.ID] = true
		op, err := g.operation(rt)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", rt.Method, rt.Path, err)
		}
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	// Every named schema is in the document, also those no route reaches
	// directly, so a name the tests use never silently disappears.
	for _, s := range namedSchemas() {
		if _, err := g.named(s.Name); err != nil {
			return nil, err
		}
	}
	if err := g.err(); err != nil {
		return nil, err
	}
	params := map[string]any{}
	for name, p := range sharedParams() {
		v, err := paramJSON(p)
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", name, err)
		}
		params[name] = v
	}
	responses := map[string]any{}
	for _, e := range errorResponses() {
		r := map[string]any{"description": e.Desc, "content": jsonContent(ref("Error"))}
		if e.Header.Name != "" {
			r["headers"] = headersJSON([]Header{e.Header})
		}
		responses[e.Name] = r
	}
	tags := []any{}
	for _, t := range docTags() {
		tag := map[string]any{"name": t[0]}
		if t[1] != "" {
			tag["description"] = t[1]
		}
		tags = append(tags, tag)
	}
	doc := map[string]any{
		"openapi":  "3.0.3",
		"info":     map[string]any{"title": docTitle, "version": "1", "description": docDescription},
		"servers":  []any{map[string]any{"url": Prefix}},
		"security": []any{map[string]any{"bearerAuth": []any{}}},
		"tags":     tags,
		"paths":    paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearerAuth": map[string]any{
				"type": "http", "scheme": "bearer", "description": "An API token (gz_…)."}},
			"schemas":    g.schemas,
			"responses":  responses,
			"parameters": params,
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// operation is the OpenAPI operation object of rt.
func (g *schemaGen) operation(rt Route) (map[string]any, error) {
	o := rt.Op
	op := map[string]any{"operationId": o.ID, "tags": []any{o.Tag}, "summary": o.Summary}
	if o.Desc != "" {
		op["description"] = o.Desc
	}
	if rt.Public {
		op["security"] = []any{}
	}
	var params []any
	declared := map[string]bool{}
	for _, p := range o.Params {
		if p.In == "path" || p.Ref == "id" || p.Ref == "token" {
			declared[cmp.Or(p.Name, p.Ref)] = true
		}
	}
	// A path parameter nobody described is declared here: {id} is the
	// shared integer id, {token} the tracking link, anything else a string.
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
		switch name := m[1]; {
		case declared[name]:
		case name == "id" || name == "token":
			params = append(params, map[string]any{"$ref": "#/components/parameters/" + name})
		default:
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
	}
	for _, p := range o.Params {
		v, err := paramJSON(p)
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", cmp.Or(p.Name, p.Ref), err)
		}
		params = append(params, v)
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if o.Body != nil {
		b, err := g.body(o.Body)
		if err != nil {
			return nil, err
		}
		op["requestBody"] = b
	}
	responses := map[string]any{}
	for _, r := range o.Resps {
		v, err := g.response(r)
		if err != nil {
			return nil, err
		}
		responses[strconv.Itoa(r.Status)] = v
	}
	errs := slices.Clone(o.Errs)
	if !rt.Public {
		errs = append(errs, 401)
	}
	errs = append(errs, 500)
	for _, status := range errs {
		name := errorResponseName(status)
		if name == "" {
			return nil, fmt.Errorf("no error response for status %d", status)
		}
		responses[strconv.Itoa(status)] = map[string]any{"$ref": "#/components/responses/" + name}
	}
	if len(o.Resps) == 0 {
		return nil, fmt.Errorf("no success response")
	}
	op["responses"] = responses
	return op, nil
}

func (g *schemaGen) body(b *Body) (map[string]any, error) {
	content := map[string]any{}
	if b.Type != nil {
		s, err := g.topLevel(b.Type)
		if err != nil {
			return nil, err
		}
		content["application/json"] = map[string]any{"schema": s}
	}
	if b.Multipart != "" {
		var s any
		if err := json.Unmarshal([]byte(b.Multipart), &s); err != nil {
			return nil, fmt.Errorf("multipart schema: %w", err)
		}
		content["multipart/form-data"] = map[string]any{"schema": s}
	}
	for _, mt := range b.Files {
		content[mt] = map[string]any{"schema": binary()}
	}
	out := map[string]any{"required": !b.Optional, "content": content}
	if b.Desc != "" {
		out["description"] = b.Desc
	}
	return out, nil
}

func (g *schemaGen) response(r Resp) (map[string]any, error) {
	out := map[string]any{"description": r.Desc}
	content := map[string]any{}
	if r.Type != nil {
		s, err := g.topLevel(r.Type)
		if err != nil {
			return nil, err
		}
		content["application/json"] = map[string]any{"schema": s}
	}
	for _, mt := range r.Files {
		content[mt] = map[string]any{"schema": binary()}
	}
	if len(content) > 0 {
		out["content"] = content
	}
	headers := r.Headers
	if r.Location {
		headers = append([]Header{{"Location", "URL of the new record."}}, headers...)
	}
	if len(headers) > 0 {
		out["headers"] = headersJSON(headers)
	}
	return out, nil
}

// topLevel is the schema of a request or response body: a reference to its
// named schema, or for a type with no name its inline schema.
func (g *schemaGen) topLevel(t reflect.Type) (map[string]any, error) {
	s := g.schema(t, false, "", nil)
	return s, g.err()
}

func paramJSON(p Param) (map[string]any, error) {
	if p.Ref != "" {
		return map[string]any{"$ref": "#/components/parameters/" + p.Ref}, nil
	}
	in := cmp.Or(p.In, "query")
	out := map[string]any{"name": p.Name, "in": in, "required": p.Required || in == "path"}
	if p.Desc != "" {
		out["description"] = p.Desc
	}
	var s any
	if err := json.Unmarshal([]byte(cmp.Or(p.Schema, `{"type":"string"}`)), &s); err != nil {
		return nil, err
	}
	out["schema"] = s
	return out, nil
}

func headersJSON(hs []Header) map[string]any {
	out := map[string]any{}
	for _, h := range hs {
		out[h.Name] = map[string]any{"description": h.Desc, "schema": map[string]any{"type": "string"}}
	}
	return out
}

func jsonContent(schema any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

func ref(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func binary() map[string]any { return map[string]any{"type": "string", "format": "binary"} }

// errorResponse is a shared error answer of components/responses.
type errorResponse struct {
	Status int
	Name   string
	Desc   string
	Header Header // besides the error body
}

func errorResponseName(status int) string {
	for _, e := range errorResponses() {
		if e.Status == status {
			return e.Name
		}
	}
	return ""
}

// sortedKeys is for deterministic errors and output.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

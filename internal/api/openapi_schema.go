package api

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"time"
)

// schemaDef names a Go type in components/schemas and says in words what
// reflection cannot: descriptions, enums, formats, examples, limits.
type schemaDef struct {
	Name     string
	Type     reflect.Type
	In       bool     // a request body: unknown fields refused, required as Required says
	Required []string // In only; an answer requires every field without omitempty
	Desc     string
	Example  string          // JSON
	Props    map[string]prop // by JSON name; "a.b" is b of the inline object (or array of objects) a
}

// prop is what a property says beyond its Go type.
type prop struct {
	Desc   string
	Enum   []string
	Format string // date, email, …; time.Time, int64 and float64 get theirs from the type
	More   string // other JSON Schema keywords as a JSON object: `{"minimum":1}`
}

// schemaGen reflects Go types into the schemas of one document.
type schemaGen struct {
	defs    map[string]schemaDef
	byType  map[reflect.Type]string
	schemas map[string]any
	used    map[string]bool // "Name.prop" of every prop applied
	errs    []error
}

func newSchemaGen() *schemaGen {
	g := &schemaGen{defs: map[string]schemaDef{}, byType: map[reflect.Type]string{}, schemas: map[string]any{}, used: map[string]bool{}}
	for _, d := range namedSchemas() {
		if _, dup := g.defs[d.Name]; dup {
			g.fail("schema %s named twice", d.Name)
		}
		if other, dup := g.byType[d.Type]; dup {
			g.fail("schemas %s and %s are the same Go type %v", other, d.Name, d.Type)
		}
		g.defs[d.Name], g.byType[d.Type] = d, d.Name
	}
	return g
}

func (g *schemaGen) fail(format string, args ...any) {
	g.errs = append(g.errs, fmt.Errorf(format, args...))
}

// err reports every problem met so far, and documentation that names a
// property no type has (a field renamed or removed), once all is built.
func (g *schemaGen) err() error {
	if len(g.errs) > 0 {
		return fmt.Errorf("openapi: %v", g.errs)
	}
	return nil
}

// named defines the schema name once and returns a reference to it.
func (g *schemaGen) named(name string) (map[string]any, error) {
	d, ok := g.defs[name]
	if !ok {
		return nil, fmt.Errorf("no schema %s", name)
	}
	if _, done := g.schemas[name]; !done {
		g.schemas[name] = nil // taken, so a type that refers to itself ends
		s := g.object(d.Type, d.In, "", &d)
		if d.Desc != "" {
			s["description"] = d.Desc
		}
		if d.Example != "" {
			var ex any
			if err := json.Unmarshal([]byte(d.Example), &ex); err != nil {
				g.fail("%s: example: %v", name, err)
			}
			s["example"] = ex
		}
		g.schemas[name] = s
		for _, k := range sortedKeys(d.Props) {
			if !g.used[name+"."+k] {
				g.fail("%s documents %s, which %v does not have", name, k, d.Type)
			}
		}
	}
	return ref(name), g.err()
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// schema is the schema of one use of t; path leads from the named schema
// def to here, for its props.
func (g *schemaGen) schema(t reflect.Type, in bool, path string, def *schemaDef) map[string]any {
	if name, ok := g.byType[t]; ok {
		if _, err := g.named(name); err != nil {
			g.fail("%v", err)
		}
		return ref(name)
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawType: // any JSON, null included
		return map[string]any{"nullable": true}
	}
	switch t.Kind() {
	case reflect.Pointer:
		// In a body a null pointer is as good as an absent field, so it is
		// nullable both ways.
		s := g.schema(t.Elem(), in, path, def)
		if s["$ref"] != nil {
			return map[string]any{"allOf": []any{s}, "nullable": true}
		}
		s["nullable"] = true
		return s
	case reflect.Interface:
		return map[string]any{}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int64, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer"}
	case reflect.Float64:
		return map[string]any{"type": "number", "format": "double"}
	case reflect.Float32:
		return map[string]any{"type": "number", "format": "float"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		s := map[string]any{"type": "array", "items": g.schema(t.Elem(), in, path, def)}
		if t.Kind() == reflect.Array {
			s["minItems"], s["maxItems"] = t.Len(), t.Len()
		}
		return s
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem(), in, path, def)}
	case reflect.Struct:
		return g.object(t, in, path, def)
	}
	g.fail("%s%s: no JSON Schema for %v", def.Name, "."+path, t)
	return map[string]any{}
}

// jsonField is a field as encoding/json writes it.
type jsonField struct {
	Name      string
	Type      reflect.Type
	OmitEmpty bool
}

// object is the schema of struct t. An embedded struct that has a name of
// its own becomes an allOf part; one without is merged, as encoding/json
// merges it.
func (g *schemaGen) object(t reflect.Type, in bool, path string, def *schemaDef) map[string]any {
	fields, embeds := g.fields(t)
	props := map[string]any{}
	var required []string
	for _, f := range fields {
		key := path + f.Name
		s := g.schema(f.Type, in, key+".", def)
		if p, ok := def.Props[key]; ok {
			g.used[def.Name+"."+key] = true
			s = g.apply(s, p, def.Name+"."+key)
		}
		props[f.Name] = s
		if !in && !f.OmitEmpty {
			required = append(required, f.Name)
		}
	}
	if in && path == "" {
		required = def.Required
		for _, r := range required {
			p, ok := props[r].(map[string]any)
			if !ok {
				g.fail("%s requires %s, which %v does not have", def.Name, r, t)
				continue
			}
			delete(p, "nullable") // a required pointer is required not to be null
		}
	}
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	if in {
		s["additionalProperties"] = false
	}
	if len(embeds) == 0 {
		return s
	}
	var all []any
	for _, e := range embeds {
		all = append(all, g.schema(e, in, path, def))
	}
	if len(props) > 0 {
		all = append(all, s)
	}
	return map[string]any{"allOf": all}
}

// fields lists t's JSON fields; a field of t hides one of the same name
// from an embedded struct, as in encoding/json. embeds are the embedded
// types with a schema of their own.
func (g *schemaGen) fields(t reflect.Type) (fields []jsonField, embeds []reflect.Type) {
	own := map[string]bool{}
	for sf := range t.Fields() {
		if name, _, _ := strings.Cut(sf.Tag.Get("json"), ","); !sf.Anonymous || name != "" {
			own[cmp.Or(name, sf.Name)] = true
		}
	}
	for sf := range t.Fields() {
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if _, ok := g.byType[et]; ok {
				embeds = append(embeds, et)
				continue
			}
			if et.Kind() == reflect.Struct {
				sub, subEmbeds := g.fields(et)
				for _, f := range sub {
					if !own[f.Name] {
						fields = append(fields, f)
					}
				}
				embeds = append(embeds, subEmbeds...)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		fields = append(fields, jsonField{Name: cmp.Or(name, sf.Name), Type: sf.Type, OmitEmpty: omit})
	}
	return fields, embeds
}

// apply adds what p says to s. A reference cannot carry siblings in
// OpenAPI 3.0, so it is wrapped in allOf first.
func (g *schemaGen) apply(s map[string]any, p prop, at string) map[string]any {
	if s["$ref"] != nil {
		s = map[string]any{"allOf": []any{s}}
	}
	if p.Desc != "" {
		s["description"] = p.Desc
	}
	if len(p.Enum) > 0 {
		enum := make([]any, len(p.Enum))
		for i, v := range p.Enum {
			enum[i] = v
		}
		if s["type"] == "array" {
			s["items"].(map[string]any)["enum"] = enum
		} else {
			s["enum"] = enum
		}
	}
	if p.Format != "" {
		s["format"] = p.Format
	}
	if p.More != "" {
		var more map[string]any
		if err := json.Unmarshal([]byte(p.More), &more); err != nil {
			g.fail("%s: %v", at, err)
		}
		maps.Copy(s, more)
	}
	return s
}

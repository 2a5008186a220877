package api

import (
	"strings"
	"testing"
)

// TestSchemaGenRefuses checks that the generator fails, instead of writing
// a quietly wrong document, when the words drift from the types.
func TestSchemaGenRefuses(t *testing.T) {
	type in struct {
		Name string `json:"name"`
	}
	type weird struct {
		C chan int `json:"c"`
	}
	for _, tc := range []struct {
		name string
		def  schemaDef
		want string
	}{
		{"a documented property the type lacks", schemaDef{Name: "X", Type: typeOf[in](), Props: map[string]prop{"nmae": {Desc: "typo"}}}, "documents nmae"},
		{"a required field the type lacks", schemaDef{Name: "X", Type: typeOf[in](), In: true, Required: []string{"title"}}, "requires title"},
		{"a field with no JSON Schema", schemaDef{Name: "X", Type: typeOf[weird]()}, "no JSON Schema"},
		{"bad JSON in More", schemaDef{Name: "X", Type: typeOf[in](), Props: map[string]prop{"name": {More: `{"minLength":`}}}, "X.name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newSchemaGen()
			g.defs[tc.def.Name], g.byType[tc.def.Type] = tc.def, tc.def.Name
			_, err := g.named(tc.def.Name)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// TestSchemaGenShapes checks the reflection rules the document relies on.
func TestSchemaGenShapes(t *testing.T) {
	type inner struct {
		A int64 `json:"a"`
	}
	type out struct {
		inner
		P    *string        `json:"p"`
		O    string         `json:"o,omitempty"`
		L    []int          `json:"l"`
		M    map[string]int `json:"m"`
		Skip string         `json:"-"`
		A    string         `json:"a"` // hides inner's a, as encoding/json does
	}
	g := newSchemaGen()
	g.defs["Out"], g.byType[typeOf[out]()] = schemaDef{Name: "Out", Type: typeOf[out]()}, "Out"
	if _, err := g.named("Out"); err != nil {
		t.Fatal(err)
	}
	s := g.schemas["Out"].(map[string]any)
	props := s["properties"].(map[string]any)
	if len(props) != 5 || props["Skip"] != nil {
		t.Errorf("properties %v", props)
	}
	if props["a"].(map[string]any)["type"] != "string" {
		t.Errorf("a should be the outer string: %v", props["a"])
	}
	if props["p"].(map[string]any)["nullable"] != true {
		t.Errorf("a pointer should be nullable: %v", props["p"])
	}
	if props["l"].(map[string]any)["type"] != "array" || props["m"].(map[string]any)["additionalProperties"] == nil {
		t.Errorf("slice or map: %v %v", props["l"], props["m"])
	}
	if got := strings.Join(toStrings(s["required"]), ","); got != "p,l,m,a" {
		t.Errorf("required %s, want every field without omitempty", got)
	}
}

func toStrings(v any) []string {
	l, _ := v.([]string)
	return l
}

package demand

import (
	"context"
	"slices"
	"strings"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// What an operator types into the intake form's category and area boxes is
// looked up here (NewDemand.Typed): a category by its code, its name or one
// of its keywords (噪音 finds 噪音扰民), an area by its code or its name
// with its parents' (湖南居民区 第3网格). A text that names nothing, or
// several things, is refused naming the candidates, so the operator sees
// at once what to type instead.

// maxCandidates is how many candidates an ambiguous text's error names.
const maxCandidates = 8

// MatchCategory returns the active categories text names, best tier
// first: its code, Chinese or English name (exactly); else the categories
// one of whose keywords is text; else those whose name or a keyword holds
// text. A single result is the category; several are the candidates.
func MatchCategory(cats []Category, text string) []Category {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	var exact, keyword, partial []Category
	for _, c := range cats {
		if !c.Active {
			continue
		}
		if strings.EqualFold(c.Code, text) || c.Name == text || c.NameEN != "" && strings.EqualFold(c.NameEN, text) {
			exact = append(exact, c)
			continue
		}
		words := Keywords(c.Keywords)
		if slices.ContainsFunc(words, func(w string) bool { return strings.EqualFold(w, text) }) {
			keyword = append(keyword, c)
			continue
		}
		lower := strings.ToLower(text)
		if strings.Contains(c.Name, text) || strings.Contains(strings.ToLower(c.NameEN), lower) ||
			slices.ContainsFunc(words, func(w string) bool { return strings.Contains(strings.ToLower(w), lower) }) {
			partial = append(partial, c)
		}
	}
	for _, tier := range [][]Category{exact, keyword, partial} {
		if len(tier) > 0 {
			return tier
		}
	}
	return nil
}

// Keywords splits a category's keywords, which admins separate with
// commas (either width), 、 or spaces.
func Keywords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\t' || r == '\u3000'
	})
}

// FindCategory looks up a typed category among the active ones: one match
// is the category; none or several are EINVALID on field category, naming
// the candidates.
func (s *Service) FindCategory(ctx context.Context, text string) (Category, error) {
	cats, err := s.Categories(ctx, true)
	if err != nil {
		return Category{}, err
	}
	d, c := categoryFor(cats, text)
	if d != nil {
		return c, errs.Fields([]errs.Detail{*d})
	}
	return c, nil
}

// categoryFor is FindCategory's rule over the categories: the category, or
// the detail saying why text is none.
func categoryFor(cats []Category, text string) (*errs.Detail, Category) {
	found := MatchCategory(cats, text)
	switch len(found) {
	case 1:
		return nil, found[0]
	case 0:
		d := errs.D("category", "unknown category %q", text)
		return &d, Category{}
	}
	names := make([]string, 0, maxCandidates)
	for _, c := range found[:min(len(found), maxCandidates)] {
		names = append(names, c.Name)
	}
	d := errs.D("category", "%q matches %d categories: %s; type one of them", text, len(found), strings.Join(names, "、"))
	return &d, Category{}
}

// namedArea is an area as a typed name finds it.
type namedArea struct {
	code, level, path string
	label             string // names below the district, joined by "/": 湖南路街道/湖南居民区/第3网格
	labelEN           string
	name, nameEN      string
}

// matchArea returns the areas text names, among areas listed parents
// first: the area whose code or name path is text; else those whose own
// name holds the text's last words and whose name path holds each word
// before them (words are split at spaces and "/"; an English name may be
// several words: Donghu Grid 1), those whose own name is those words
// exactly preferred. A single result is the area; several are the
// candidates.
func matchArea(areas []namedArea, text string) []namedArea {
	text = strings.TrimSpace(text)
	words := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '/' || r == '\u3000' || r == '\t' })
	if len(words) == 0 {
		return nil
	}
	joined := strings.Join(words, "/")
	var exact, partial []namedArea
	for _, a := range areas {
		if a.code == text || a.label == joined || a.labelEN != "" && strings.EqualFold(a.labelEN, joined) {
			return []namedArea{a}
		}
		switch a.matches(words) {
		case 2:
			exact = append(exact, a)
		case 1:
			partial = append(partial, a)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return partial
}

// matches says how a's names answer words: 2 when its own name is the
// last words and its name path holds the others, 1 when its own name holds
// the last words, 0 when not at all.
func (a namedArea) matches(words []string) int {
	best := 0
	for k := 1; k <= len(words); k++ {
		own := strings.Join(words[len(words)-k:], " ")
		lowOwn := strings.ToLower(own)
		ok := true
		for _, w := range words[:len(words)-k] {
			if !strings.Contains(a.label, w) && !strings.Contains(strings.ToLower(a.labelEN), strings.ToLower(w)) {
				ok = false
				break
			}
		}
		switch {
		case !ok:
		case a.name == own || a.nameEN != "" && strings.EqualFold(a.nameEN, own):
			return 2
		case strings.Contains(a.name, own) || a.nameEN != "" && strings.Contains(strings.ToLower(a.nameEN), lowOwn):
			best = 1
		}
	}
	return best
}

// namedAreas reads the area tree with each area's name path, parents first.
func namedAreas(ctx context.Context, q db.Querier) ([]namedArea, error) {
	all, err := area.All(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]namedArea, 0, len(all))
	at := map[string]int{}
	for _, x := range all {
		a := namedArea{code: x.Code, level: string(x.Level), path: x.Path, name: x.Name, nameEN: x.NameEN, label: x.Name, labelEN: x.NameEN}
		if i, ok := at[x.ParentCode]; ok && out[i].level != string(area.District) { // labels start below the district
			par := out[i]
			a.label, a.labelEN = par.label+"/"+a.name, ""
			if par.labelEN != "" && a.nameEN != "" {
				a.labelEN = par.labelEN + "/" + a.nameEN
			}
		}
		at[a.code] = len(out)
		out = append(out, a)
	}
	return out, nil
}

// areaFor looks up a typed area for field: the area's code, or the detail
// saying why text names none. Of several matches, those where p may
// perm count first (an operator's "第3网格" is the one in their own
// residential area).
func areaFor(ctx context.Context, q db.Querier, p *auth.Principal, perm auth.Perm, field, text string) (string, *errs.Detail, error) {
	if _, _, err := levelOf(ctx, q, strings.TrimSpace(text)); err == nil {
		return strings.TrimSpace(text), nil, nil
	}
	areas, err := namedAreas(ctx, q)
	if err != nil {
		return "", nil, err
	}
	found := matchArea(areas, text)
	if len(found) > 1 && p != nil {
		var mine []namedArea
		for _, a := range found {
			if auth.Authorize(p, perm, a.path) == nil {
				mine = append(mine, a)
			}
		}
		if len(mine) > 0 {
			found = mine
		}
	}
	switch len(found) {
	case 1:
		return found[0].code, nil, nil
	case 0:
		d := errs.D(field, "no area is named %q: type a residential area's or grid's name, with its parents' if several share it", text)
		return "", &d, nil
	}
	labels := make([]string, 0, maxCandidates)
	for _, a := range found[:min(len(found), maxCandidates)] {
		labels = append(labels, a.label)
	}
	d := errs.D(field, "%q matches %d areas: %s; add a parent's name", text, len(found), strings.Join(labels, "、"))
	return "", &d, nil
}

// FindArea looks up a typed area (a code, or a name with its parents')
// for an intake by p: one match is its code; none or several are
// EINVALID on field area, naming the candidates.
func (s *Service) FindArea(ctx context.Context, p *auth.Principal, text string) (string, error) {
	code, d, err := areaFor(ctx, s.db, p, auth.DemandIntake, "area", text)
	if err != nil {
		return "", err
	}
	if d != nil {
		return "", errs.Fields([]errs.Detail{*d})
	}
	return code, nil
}

package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// errorFormats collects the message formats of every coded error built in
// internal/: errs.New/Invalid/D and the import's fail/bad helpers.
func errorFormats(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			at := -1
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok && x.Name == "errs" && (fn.Sel.Name == "New" || fn.Sel.Name == "Invalid" || fn.Sel.Name == "D") {
					at = 1
				} else if fn.Sel.Name == "bad" {
					at = 2
				}
			case *ast.Ident:
				if fn.Name == "fail" || fn.Name == "bad" {
					at = 1
				}
			}
			if at < 0 || len(call.Args) <= at {
				return true
			}
			if lit, ok := call.Args[at].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					out[s] = fset.Position(lit.Pos()).String()
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestErrorMessagesTranslated fails when a coded error's message has no
// Chinese translation, so users never meet English in the Chinese interface.
func TestErrorMessagesTranslated(t *testing.T) {
	zh, err := readLocale(messagesFile)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for f, where := range errorFormats(t) {
		if _, ok := zh[f]; !ok {
			missing = append(missing, strconv.Quote(f)+": "+strconv.Quote("")+", // "+where)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		if os.Getenv("GONGZHI_LIST_MISSING") != "" {
			os.WriteFile("/tmp/missing_msgs.txt", []byte(strings.Join(missing, "\n")), 0o644)
		}
		t.Errorf("%d error messages lack a Chinese translation in %s:\n%s", len(missing), messagesFile, strings.Join(missing, "\n"))
	}
	for en, cn := range zh {
		if strings.Count(en, "%") != strings.Count(cn, "%") {
			t.Errorf("translation of %q has different verbs: %q", en, cn)
		}
	}
}

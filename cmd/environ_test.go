package cmd

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestEnvironmentThroughFactory: below main, the process's environment is
// read in one place, NewFactory, which hands os.Getenv to the commands as
// Factory.Getenv. Anything else (os.Getenv in a command, viper's
// AutomaticEnv, os.UserConfigDir, which reads HOME) would make in-process
// tests depend on the process and on each other.
func TestEnvironmentThroughFactory(t *testing.T) {
	t.Parallel()
	banned := map[string]bool{
		"os.Getenv": true, "os.LookupEnv": true, "os.Environ": true, "os.ExpandEnv": true,
		"os.UserConfigDir": true, "os.UserHomeDir": true, "os.UserCacheDir": true,
		"viper.AutomaticEnv": true, "v.AutomaticEnv": true, "v.BindEnv": true,
	}
	fset := token.NewFileSet()
	var found []string
	for _, root := range []string{".", "../internal"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			for _, decl := range f.Decls {
				fn, _ := decl.(*ast.FuncDecl)
				if fn != nil && fn.Name.Name == "NewFactory" && filepath.ToSlash(path) == "cmdutil/factory.go" {
					continue // the one place
				}
				ast.Inspect(decl, func(n ast.Node) bool {
					sel, ok := n.(*ast.SelectorExpr)
					if !ok {
						return true
					}
					if x, ok := sel.X.(*ast.Ident); ok && banned[x.Name+"."+sel.Sel.Name] {
						found = append(found, fset.Position(sel.Pos()).String()+": "+x.Name+"."+sel.Sel.Name)
					}
					return true
				})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range found {
		t.Errorf("%s reads the process's environment: use the Factory's Getenv (or LoadOptions.Getenv)", f)
	}
}

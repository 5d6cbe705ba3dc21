package sdkgen

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// IgnoreRules are the gitignore-style patterns of an .openapi-generator-ignore file.
// Paths are slash-separated and relative to the directory holding the file.
type IgnoreRules struct {
	rules []ignoreRule
}

type ignoreRule struct {
	negate  bool
	dirOnly bool
	re      *regexp.Regexp
}

// ParseIgnore reads gitignore-style rules: blank lines and '#' comments are skipped, '!'
// re-includes, a trailing '/' matches directories, a pattern without an inner '/' matches at
// any depth, '*' and '?' stay within a path segment, '**' spans segments.
func ParseIgnore(r io.Reader) (*IgnoreRules, error) {
	out := &IgnoreRules{}
	scanner := bufio.NewScanner(r)
	for n := 1; scanner.Scan(); n++ {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rule := ignoreRule{}
		if strings.HasPrefix(line, "!") {
			rule.negate, line = true, line[1:]
		}
		if strings.HasSuffix(line, "/") {
			rule.dirOnly, line = true, strings.TrimSuffix(line, "/")
		}
		anchored := strings.Contains(line, "/")
		line = strings.TrimPrefix(line, "/")
		expr := globToRegexp(line)
		if !anchored {
			expr = "(?:.*/)?" + expr
		}
		re, err := regexp.Compile("^" + expr + "$")
		if err != nil {
			return nil, fmt.Errorf("ignore rule on line %d: %w", n, err)
		}
		rule.re = re
		out.rules = append(out.rules, rule)
	}
	return out, scanner.Err()
}

func globToRegexp(glob string) string {
	var b strings.Builder
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; {
		case strings.HasPrefix(glob[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(glob[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

// Ignored tells whether a file path is excluded, directly or through one of its directories.
// As in gitignore, the last matching rule decides.
func (r *IgnoreRules) Ignored(file string) bool {
	if r == nil {
		return false
	}
	ignored := false
	parts := strings.Split(file, "/")
	for _, rule := range r.rules {
		for i := len(parts); i >= 1; i-- {
			candidate := strings.Join(parts[:i], "/")
			isDir := i < len(parts)
			if rule.dirOnly && !isDir {
				continue
			}
			if rule.re.MatchString(candidate) {
				ignored = !rule.negate
				break
			}
		}
	}
	return ignored
}

// Command specclauses lists the normative clauses of the OSB specification, one a line, as the
// starting point of conformance's coverage matrix (conformance/coverage.go): every sentence
// with an RFC 2119 keyword, and every field marked REQUIRED (an asterisk) in a response body
// table, with the anchor of its section and its strongest level.
//
//	git -C servicebroker show HEAD:spec.md | go run ./scripts/specclauses spec.md
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
)

var (
	heading  = regexp.MustCompile(`^(#+)\s+(.*)$`)
	keywords = []struct{ level, pattern string }{
		{"MUST", `\b(MUST|MUST NOT|REQUIRED|SHALL|SHALL NOT)\b`},
		{"SHOULD", `\b(SHOULD|SHOULD NOT|RECOMMENDED)\b`},
		{"MAY", `\b(MAY|OPTIONAL)\b`},
	}
	sentenceEnd  = regexp.MustCompile(`[.!?]\s+`)
	requiredCell = regexp.MustCompile(`^\|\s*([a-z_.\[\]]+)\*\s*\|`)
	nonAnchor    = regexp.MustCompile(`[^a-z0-9 -]`)
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: specclauses spec.md|profile.md < document")
		os.Exit(2)
	}
	document := os.Args[1]
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	anchor, inResponse, inCode := "", false, false
	anchors, ordinal := map[string]int{}, map[string]int{}
	var paragraph []string
	emit := func(level, text string) {
		ordinal[anchor]++
		fmt.Printf("%s%s\t%d\t%s\t%s\n", document, anchor, ordinal[anchor], level, text)
	}
	flush := func() {
		for _, sentence := range sentences(strings.Join(paragraph, " ")) {
			if level := strongest(sentence); level != "" {
				emit(level, sentence)
			}
		}
		paragraph = nil
	}
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case strings.HasPrefix(line, "```"):
			flush()
			inCode = !inCode
		case inCode:
		case heading.MatchString(line):
			flush()
			m := heading.FindStringSubmatch(line)
			anchor = githubAnchor(m[2], anchors)
			if len(m[1]) <= 3 {
				inResponse = strings.EqualFold(m[2], "Response")
			}
		case strings.HasPrefix(strings.TrimSpace(line), "|"):
			flush()
			if m := requiredCell.FindStringSubmatch(line); m != nil && inResponse {
				emit("REQUIRED", "the answer carries "+m[1])
			}
			for _, sentence := range sentences(line) {
				if level := strongest(sentence); level != "" {
					emit(level, sentence)
				}
			}
		case strings.TrimSpace(line) == "":
			flush()
		default:
			paragraph = append(paragraph, strings.TrimSpace(line))
		}
	}
	flush()
}

// githubAnchor is the anchor GitHub gives a heading: lower case, punctuation dropped, spaces
// as hyphens, and -1, -2... on the repeats of a heading.
func githubAnchor(title string, seen map[string]int) string {
	base := strings.ReplaceAll(nonAnchor.ReplaceAllString(strings.ToLower(title), ""), " ", "-")
	anchor := base
	if n := seen[base]; n > 0 {
		anchor = fmt.Sprintf("%s-%d", base, n)
	}
	seen[base]++
	return "#" + anchor
}

func sentences(line string) []string {
	line = strings.TrimSpace(strings.Trim(line, "|*- "))
	var out []string
	for _, s := range sentenceEnd.Split(line, -1) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func strongest(sentence string) string {
	for _, k := range keywords {
		if regexp.MustCompile(k.pattern).MatchString(sentence) {
			return k.level
		}
	}
	return ""
}

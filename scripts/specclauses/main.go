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
	sentenceEnd  = regexp.MustCompile(`([.!?])\s+`)
	requiredCell = regexp.MustCompile("^\\|\\s*([a-z_.\\[\\]]+)\\*\\s*\\|")
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
	ordinal := map[string]int{}
	for scanner.Scan() {
		line := scanner.Text()
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if inCode {
			continue
		}
		if m := heading.FindStringSubmatch(line); m != nil {
			anchor = "#" + strings.ReplaceAll(nonAnchor.ReplaceAllString(strings.ToLower(m[2]), ""), " ", "-")
			if len(m[1]) <= 3 {
				inResponse = strings.EqualFold(m[2], "Response")
			}
			continue
		}
		if m := requiredCell.FindStringSubmatch(line); m != nil && inResponse {
			ordinal[anchor]++
			fmt.Printf("%s%s\t%d\tREQUIRED\tthe answer carries %s\n", document, anchor, ordinal[anchor], m[1])
			continue
		}
		for _, sentence := range sentences(line) {
			if level := strongest(sentence); level != "" {
				ordinal[anchor]++
				fmt.Printf("%s%s\t%d\t%s\t%s\n", document, anchor, ordinal[anchor], level, sentence)
			}
		}
	}
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

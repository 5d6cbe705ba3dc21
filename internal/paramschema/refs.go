package paramschema

import (
	"net/url"
	"strings"

	"github.com/osbkit/osb-go-sdk/internal/termtext"
)

// ExternalRefs lists, quoted, the $ref values of a decoded schema document that point outside
// it: anything but a fragment of the document itself or of a subschema the document identifies
// with $id (or id). A catalog's schemas must not contain external references.
func ExternalRefs(doc any) []string {
	documentBase, _ := url.Parse(base)
	if root, ok := doc.(map[string]any); ok {
		if id, ok := schemaID(root); ok {
			if parsed, err := documentBase.Parse(id); err == nil {
				documentBase = parsed
			}
		}
	}
	internal := map[string]bool{withoutFragment(documentBase): true}
	var refs []string
	walkObjects(doc, func(object map[string]any) {
		if id, ok := schemaID(object); ok {
			if resolved, err := documentBase.Parse(id); err == nil {
				internal[withoutFragment(resolved)] = true
			}
		}
		if ref, ok := object["$ref"].(string); ok {
			refs = append(refs, ref)
		}
	})
	var external []string
	for _, ref := range refs {
		resolved, err := documentBase.Parse(ref)
		if err != nil || !internal[withoutFragment(resolved)] {
			external = append(external, termtext.Quote(ref))
		}
	}
	return external
}

func schemaID(object map[string]any) (string, bool) {
	for _, key := range []string{"$id", "id"} {
		if id, ok := object[key].(string); ok && id != "" && !strings.HasPrefix(id, "#") {
			return id, true
		}
	}
	return "", false
}

func withoutFragment(u *url.URL) string {
	copied := *u
	copied.Fragment, copied.RawFragment = "", ""
	return copied.String()
}

// walkObjects calls visit for every object in a decoded JSON value.
func walkObjects(value any, visit func(map[string]any)) {
	switch v := value.(type) {
	case map[string]any:
		visit(v)
		for _, child := range v {
			walkObjects(child, visit)
		}
	case []any:
		for _, child := range v {
			walkObjects(child, visit)
		}
	}
}

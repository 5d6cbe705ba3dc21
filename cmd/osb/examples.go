package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// examples are the examples of each command's help that its definition does not give itself,
// by command path; the shell's completion commands are not built before the command line is
// parsed, so theirs are set in withCompletionHelp.
var examples = map[string]string{
	"osb catalog": `osb catalog
osb catalog -o json > catalog.json`,
	"osb catalog plan": `osb catalog plan large
osb catalog plan small --service brokertest-db -o yaml`,
	"osb catalog diff": `osb catalog diff catalog.json            # a saved catalog against the broker's
osb catalog diff old.json new.json`,
	"osb provision": `osb provision db-1 --service brokertest-db --plan large --wait
osb provision db-1 --service brokertest-db --plan small --param size_gb=20 --params params.yaml
osb provision db-1 --service brokertest-db --plan small --platform kubernetes --namespace team-a --cluster-id c1
osb provision db-1 --service brokertest-db --plan small --dry-run       # the curl command line, nothing sent`,
	"osb update": `osb update db-1 --plan large --wait            # service from the local record
osb update db-1 --service brokertest-db --param size_gb=40`,
	"osb deprovision": `osb deprovision db-1 --wait                    # service and plan from the local record
osb deprovision db-1 --service brokertest-db --plan large --yes`,
	"osb bind": `osb bind db-1 app-1
osb bind db-1 app-1 --app-guid 6f1e... --credentials-file app-1.json`,
	"osb unbind": `osb unbind db-1 app-1
osb unbind db-1 app-1 --service brokertest-db --plan small --yes --wait`,
	"osb rotate": `osb rotate db-1 app-1 app-2
osb rotate db-1 app-1 app-2 --wait -o json`,
	"osb get instance": `osb get instance db-1
osb get instance db-1 -o yaml --show-secrets`,
	"osb get binding": `osb get binding db-1 app-1
osb get binding db-1 app-1 --jq .answer.credentials.host`,
	"osb state get": `osb state get db-1`,
	"osb state set": `osb state set db-1 --enabled=false --reason-code IBMCLOUD_ACCT_SUSPEND
osb state set db-1 --enabled=true --reason-code IBMCLOUD_ACCT_ACTIVATE --initiator-id admin`,
	"osb params validate": `osb params validate --service brokertest-db --plan large --params params.yaml
echo '{"size_gb": 10}' | osb params validate --service brokertest-db --plan large --update --params -`,
	"osb demo": `osb demo                                       # against an embedded broker
osb demo --url http://127.0.0.1:8080 --user admin`,
	"osb version":               `osb version -o json`,
	"osb completion bash":       `source <(osb completion bash)                  # needs the bash-completion package`,
	"osb completion zsh":        `osb completion zsh > "${fpath[1]}/_osb"`,
	"osb completion fish":       `osb completion fish > ~/.config/fish/completions/osb.fish`,
	"osb completion powershell": `osb completion powershell | Out-String | Invoke-Expression`,
}

// addExamples gives every command of the tree without examples its entry of examples.
func addExamples(cmd *cobra.Command) {
	if example, ok := examples[cmd.CommandPath()]; ok && cmd.Example == "" {
		cmd.Example = indentExample(example)
	}
	for _, child := range cmd.Commands() {
		addExamples(child)
	}
}

// indentExample indents each line as cobra's other examples are.
func indentExample(example string) string {
	return "  " + strings.ReplaceAll(example, "\n", "\n  ")
}

// bashCompletionNote says how the bash script fails without the package it needs.
const bashCompletionNote = `
Without the bash-completion package (Debian and Ubuntu: apt install bash-completion; macOS: brew
install bash-completion@2) TAB prints "_get_comp_words_by_ref: command not found".`

// withCompletionHelp builds cobra's completion commands now, to give them examples and say
// what the bash script needs.
func withCompletionHelp(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, cmd := range root.Commands() {
		if cmd.Name() != "completion" {
			continue
		}
		for _, shell := range cmd.Commands() {
			if shell.Name() == "bash" {
				shell.Long += bashCompletionNote
			}
		}
	}
}

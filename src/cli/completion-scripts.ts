// The scripts `runbook completion bash|zsh|fish|kubectl` prints. Each asks the program itself for the
// candidates (`runbook __complete -- WORDS...`, the last word being the one under the cursor),
// so names, flags, params and enum values always match the installed version. The same
// function serves `kubectl-runbook`.

export const SHELLS = ['bash', 'zsh', 'fish', 'kubectl'] as const;
export type Shell = (typeof SHELLS)[number];

const bash = `# runbook completion for bash. Load it now:  source <(runbook completion bash)
# or for every shell:  runbook completion bash > /etc/bash_completion.d/runbook
_runbook_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
# -o default: no candidates (e.g. a file argument) falls back to file names.
complete -o default -F _runbook_complete runbook kubectl-runbook
`;

const zsh = `#compdef runbook kubectl-runbook
# runbook completion for zsh. Load it now:  source <(runbook completion zsh)
# or save it as _runbook in a directory of your $fpath.
_runbook() {
  local -a candidates
  candidates=("\${(@f)$("\${words[1]}" __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  candidates=(\${candidates:#})
  if (( \${#candidates} )); then compadd -a candidates; else _files; fi
}
compdef _runbook runbook kubectl-runbook
`;

const fish = `# runbook completion for fish. Load it now:  runbook completion fish | source
# or save it as ~/.config/fish/completions/runbook.fish
function __runbook_complete
    set -l words (commandline -opc) (commandline -ct)
    $words[1] __complete -- $words[2..-1] 2>/dev/null
end
complete -c runbook -f -a '(__runbook_complete)'
complete -c kubectl-runbook -f -a '(__runbook_complete)'
`;

// kubectl 1.26+ completes a plugin's arguments by running `kubectl_complete-PLUGIN ARGS...` and
// reading one candidate a line (kubernetes PR 105867; staging/src/k8s.io/kubectl/pkg/cmd/plugin).
const kubectl = `#!/bin/sh
# Completion of \`kubectl runbook ...\` (kubectl 1.26+ runs this for it). Save it on your PATH:
#   runbook completion kubectl > ~/.local/bin/kubectl_complete-runbook
#   chmod +x ~/.local/bin/kubectl_complete-runbook
exec kubectl-runbook __complete -- "$@"
`;

export const COMPLETION_SCRIPTS: Record<Shell, string> = { bash, zsh, fish, kubectl };

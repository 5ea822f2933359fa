/** Shell completion: verb names, and task ids from `kanban ls --json` where an id is expected. */
export function completionScript(shell: "bash" | "zsh", verbs: string[]): string {
  const words = verbs.join(" ");
  const bash = `# kanban bash completion
_kanban() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${words}" -- "$cur") )
  elif [[ "$cur" == t_* ]]; then
    COMPREPLY=( $(compgen -W "$(kanban ls --json 2>/dev/null | grep -o '"id": "t_[0-9a-f]*"' | cut -d'"' -f4)" -- "$cur") )
  fi
}
complete -F _kanban kanban
`;
  if (shell === "bash") return bash;
  return `#compdef kanban
autoload -U bashcompinit && bashcompinit
${bash}`;
}

/**
 * Activation scripts for a venv, one per shell (bash/zsh, fish, csh, PowerShell). Each sets
 * VIRTUAL_ENV, puts the venv's bin directory first on PATH, adjusts the prompt, and defines
 * `deactivate` to undo exactly that. Written here; `{{VENV}}`, `{{BIN}}` and `{{PROMPT}}` are filled in.
 */

export const ACTIVATE_SH = `# Source this file from bash or zsh: \`source {{BIN}}/activate\`
if [ "\${BASH_SOURCE-}" = "$0" ]; then
    echo "activate must be sourced: source $0" >&2
    exit 33
fi
deactivate () {
    if [ -n "\${_LOCKSTEP_OLD_PATH:-}" ]; then PATH="$_LOCKSTEP_OLD_PATH"; export PATH; unset _LOCKSTEP_OLD_PATH; fi
    if [ -n "\${_LOCKSTEP_OLD_PS1+x}" ]; then PS1="$_LOCKSTEP_OLD_PS1"; export PS1; unset _LOCKSTEP_OLD_PS1; fi
    if [ -n "\${_LOCKSTEP_OLD_PYTHONHOME:-}" ]; then PYTHONHOME="$_LOCKSTEP_OLD_PYTHONHOME"; export PYTHONHOME; unset _LOCKSTEP_OLD_PYTHONHOME; fi
    unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT
    hash -r 2>/dev/null
    if [ "\${1-}" != "nondestructive" ]; then unset -f deactivate; fi
}
deactivate nondestructive
VIRTUAL_ENV='{{VENV}}'
export VIRTUAL_ENV
_LOCKSTEP_OLD_PATH="$PATH"
PATH="$VIRTUAL_ENV/{{BINNAME}}:$PATH"
export PATH
if [ -n "\${PYTHONHOME:-}" ]; then _LOCKSTEP_OLD_PYTHONHOME="$PYTHONHOME"; unset PYTHONHOME; fi
VIRTUAL_ENV_PROMPT='{{PROMPT}}'
export VIRTUAL_ENV_PROMPT
if [ -z "\${VIRTUAL_ENV_DISABLE_PROMPT:-}" ]; then
    _LOCKSTEP_OLD_PS1="\${PS1-}"
    PS1="({{PROMPT}}) \${PS1-}"
    export PS1
fi
hash -r 2>/dev/null
`;

export const ACTIVATE_FISH = `# Source this file from fish: \`source {{BIN}}/activate.fish\`
function deactivate -d "Leave the virtual environment"
    if set -q _LOCKSTEP_OLD_PATH
        set -gx PATH $_LOCKSTEP_OLD_PATH
        set -e _LOCKSTEP_OLD_PATH
    end
    if functions -q _lockstep_old_fish_prompt
        functions -e fish_prompt
        functions -c _lockstep_old_fish_prompt fish_prompt
        functions -e _lockstep_old_fish_prompt
    end
    set -e VIRTUAL_ENV
    set -e VIRTUAL_ENV_PROMPT
    if test "$argv[1]" != "nondestructive"
        functions -e deactivate
    end
end
deactivate nondestructive
set -gx VIRTUAL_ENV '{{VENV}}'
set -gx VIRTUAL_ENV_PROMPT '{{PROMPT}}'
set -gx _LOCKSTEP_OLD_PATH $PATH
set -gx PATH "$VIRTUAL_ENV/{{BINNAME}}" $PATH
if not set -q VIRTUAL_ENV_DISABLE_PROMPT
    functions -c fish_prompt _lockstep_old_fish_prompt
    function fish_prompt
        printf "(%s) " '{{PROMPT}}'
        _lockstep_old_fish_prompt
    end
end
`;

export const ACTIVATE_CSH = `# Source this file from csh or tcsh: \`source {{BIN}}/activate.csh\`
alias deactivate 'test $?_LOCKSTEP_OLD_PATH != 0 && setenv PATH "$_LOCKSTEP_OLD_PATH" && unset _LOCKSTEP_OLD_PATH; test $?_LOCKSTEP_OLD_PROMPT != 0 && set prompt="$_LOCKSTEP_OLD_PROMPT" && unset _LOCKSTEP_OLD_PROMPT; unsetenv VIRTUAL_ENV; unsetenv VIRTUAL_ENV_PROMPT; test "\\!:*" != "nondestructive" && unalias deactivate; rehash'
deactivate nondestructive
setenv VIRTUAL_ENV '{{VENV}}'
setenv VIRTUAL_ENV_PROMPT '{{PROMPT}}'
set _LOCKSTEP_OLD_PATH="$PATH"
setenv PATH "$VIRTUAL_ENV/{{BINNAME}}:$PATH"
if ( $?prompt && ! $?VIRTUAL_ENV_DISABLE_PROMPT ) then
    set _LOCKSTEP_OLD_PROMPT="$prompt"
    set prompt = "({{PROMPT}}) $prompt"
endif
rehash
`;

export const ACTIVATE_PS1 = `# Dot-source this file from PowerShell: \`. {{BIN}}/activate.ps1\`
function global:deactivate([switch] $NonDestructive) {
    if (Test-Path variable:_LOCKSTEP_OLD_PATH) { $env:PATH = $variable:_LOCKSTEP_OLD_PATH; Remove-Variable "_LOCKSTEP_OLD_PATH" -Scope global }
    if (Test-Path function:_lockstep_old_prompt) { $function:prompt = $function:_lockstep_old_prompt; Remove-Item function:\\_lockstep_old_prompt }
    if (Test-Path env:VIRTUAL_ENV) { Remove-Item env:VIRTUAL_ENV }
    if (Test-Path env:VIRTUAL_ENV_PROMPT) { Remove-Item env:VIRTUAL_ENV_PROMPT }
    if (!$NonDestructive) { Remove-Item function:deactivate }
}
deactivate -NonDestructive
$env:VIRTUAL_ENV = '{{VENV}}'
$env:VIRTUAL_ENV_PROMPT = '{{PROMPT}}'
New-Variable -Scope global -Name _LOCKSTEP_OLD_PATH -Value $env:PATH
$env:PATH = "$env:VIRTUAL_ENV{{SEP}}{{BINNAME}}{{PATHSEP}}$env:PATH"
if (!$env:VIRTUAL_ENV_DISABLE_PROMPT) {
    function global:_lockstep_old_prompt { "" }
    $function:_lockstep_old_prompt = $function:prompt
    function global:prompt { Write-Host -NoNewline "({{PROMPT}}) "; _lockstep_old_prompt }
}
`;

export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([A-Z]+)\}\}/g, (_, key: string) => values[key] ?? "");
}

/**
 * The extras/groups/project flags (`--extra`, `--all-extras`, `--group`, `--no-group`,
 * `--only-group`, `--all-groups`, `--no-default-groups`, `--no-dev`, `--no-install-project`) as the
 * project layer's `Selection`. Pitfall: an absent boolean flag is `undefined`, not `false`, so each is
 * compared with `true`; commands without `--only-group` simply never set it.
 */
import type { Selection } from "@lockstep/project";

export interface SelectionFlagArgs {
  extra?: string[] | undefined;
  "all-extras"?: boolean | undefined;
  group?: string[] | undefined;
  "no-group"?: string[] | undefined;
  "only-group"?: string[] | undefined;
  "all-groups"?: boolean | undefined;
  "no-default-groups"?: boolean | undefined;
  "no-dev"?: boolean | undefined;
  "no-install-project"?: boolean | undefined;
}

export function selectionFromFlags(args: SelectionFlagArgs): Selection {
  return {
    extras: args.extra ?? [],
    allExtras: args["all-extras"] === true,
    groups: args.group ?? [],
    noGroups: args["no-group"] ?? [],
    onlyGroups: args["only-group"] ?? [],
    allGroups: args["all-groups"] === true,
    noDefaultGroups: args["no-default-groups"] === true,
    noDev: args["no-dev"] === true,
    noInstallProject: args["no-install-project"] === true,
  };
}

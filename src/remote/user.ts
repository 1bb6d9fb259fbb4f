// A system user with its own group and home. Delete removes the user; the home (the
// service's state) is kept unless removeHome is set, and is handed back to the user when
// it is created again, so a destroy + up keeps the service's data. Refresh reads whether the
// user, its home (owner, mode) and its groups are there.
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "./command";
import { Connection } from "./ssh";
import { script, sh } from "./shell";

export interface UserArgs {
  connection: pulumi.Input<Connection>;
  user: string;
  home: string;
  groups?: string[];
  removeHome?: boolean;
}

export function systemUser(name: string, args: UserArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  const user = sh(args.user);
  const groups = args.groups ?? [];
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: `user ${args.user}`,
      create: script(
        `if id -u ${user} >/dev/null 2>&1; then echo "user ${args.user} exists"; else`,
        `  useradd --system --user-group --home-dir ${sh(args.home)} --shell /usr/sbin/nologin ${user}`,
        `  echo "created user ${args.user}"`,
        `fi`,
        `install -d -m 0700 -o ${user} -g ${user} ${sh(args.home)}`,
        `chown -R ${user}:${user} ${sh(args.home)}`,
        groups.length > 0 && `usermod -aG ${sh(groups.join(","))} ${user}`,
      ),
      delete: script(
        `if id -u ${user} >/dev/null 2>&1; then pkill -u ${user} || true; userdel ${user}; fi`,
        args.removeHome && `rm -rf ${sh(args.home)}`,
      ),
      check: script(
        `if id -u ${user} >/dev/null 2>&1; then echo user=present; else echo user=missing; fi`,
        `if [ -d ${sh(args.home)} ]; then stat -c 'home=%a %U:%G' ${sh(args.home)}; else echo home=missing; fi`,
        `have=" $(id -nG ${user} 2>/dev/null || true) "; missing=""`,
        `for g in ${groups.map(sh).join(" ")}; do case "$have" in *" $g "*) ;; *) missing="$missing $g" ;; esac; done`,
        `echo "groups=\${missing:+missing$missing}"`,
      ),
      observed: `user=present\nhome=700 ${args.user}:${args.user}\ngroups=`,
    },
    opts,
  );
}

// The user a container runs as (runc libcontainer/user GetExecUserPath, as containerd's WithUser
// resolves it): runAsUser/runAsGroup win over the image's USER, names resolve in the rootfs's
// /etc/passwd and /etc/group, and the user's groups there join supplementalGroups and fsGroup.

export interface UserRequest {
  /** The image's USER (`name`, `uid`, `name:group`, `uid:gid`), when no runAsUser overrides it. */
  imageUser?: string;
  runAsUser?: number;
  runAsGroup?: number;
  supplementalGroups?: number[];
  fsGroup?: number;
}

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function parsePasswd(text: string): PasswdEntry[] {
  return text
    .split("\n")
    .map((line) => line.split(":"))
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[2] ?? "") && /^\d+$/.test(f[3] ?? ""))
    .map((f) => ({ name: f[0] ?? "", uid: Number(f[2]), gid: Number(f[3]) }));
}

function parseGroup(text: string): GroupEntry[] {
  return text
    .split("\n")
    .map((line) => line.split(":"))
    .filter((f) => f.length >= 3 && /^\d+$/.test(f[2] ?? ""))
    .map((f) => ({ name: f[0] ?? "", gid: Number(f[2]), members: (f[3] ?? "").split(",").filter(Boolean) }));
}

/** Thrown for a user or group the image does not define; the message is runc's. */
export class UnknownUserError extends Error {}

/**
 * Resolves the container's uid, gid and groups. `passwd` and `group` are the rootfs's files
 * (undefined when the image has none: numeric ids still work, names do not).
 */
export function resolveUser(request: UserRequest, passwd?: string, group?: string): ResolvedUser {
  const users = parsePasswd(passwd ?? "");
  const groups = parseGroup(group ?? "");
  const [userPart = "", groupPart] = (request.imageUser ?? "").split(":", 2);
  let uid = 0;
  let gid = 0;
  let name: string | undefined;
  if (request.runAsUser !== undefined) {
    uid = request.runAsUser;
    const entry = users.find((u) => u.uid === uid);
    gid = entry?.gid ?? 0;
    name = entry?.name;
  } else if (userPart !== "") {
    const entry = /^\d+$/.test(userPart)
      ? users.find((u) => u.uid === Number(userPart))
      : users.find((u) => u.name === userPart);
    if (entry === undefined && !/^\d+$/.test(userPart)) {
      throw new UnknownUserError(`unable to find user ${userPart}: no matching entries in passwd file`);
    }
    uid = entry?.uid ?? Number(userPart);
    gid = entry?.gid ?? 0;
    name = entry?.name;
  } else {
    name = users.find((u) => u.uid === 0)?.name;
  }
  if (request.runAsUser === undefined && groupPart !== undefined && groupPart !== "") {
    const entry = /^\d+$/.test(groupPart)
      ? { gid: Number(groupPart) }
      : groups.find((g) => g.name === groupPart);
    if (entry === undefined) {
      throw new UnknownUserError(`unable to find group ${groupPart}: no matching entries in group file`);
    }
    gid = entry.gid;
  }
  if (request.runAsGroup !== undefined) gid = request.runAsGroup;
  // The primary group first, as containerd's WithAdditionalGIDs lists it.
  const additional = new Set<number>([gid]);
  if (name !== undefined) for (const g of groups) if (g.members.includes(name)) additional.add(g.gid);
  for (const g of request.supplementalGroups ?? []) additional.add(g);
  if (request.fsGroup !== undefined) additional.add(request.fsGroup);
  return { uid, gid, additionalGids: [...additional] };
}

import { describe, expect, test } from "bun:test";
import { resolveUser, UnknownUserError } from "./container-user.ts";

const passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\nbroken line\n";
const group = "root:x:0:\napp:x:1001:\nwheel:x:10:app,other\nstaff:x:50:\n";

describe("resolveUser", () => {
  test("no user anywhere: root", () => {
    expect(resolveUser({}, passwd, group)).toEqual({ uid: 0, gid: 0, additionalGids: [0] });
  });

  test("the image's user by name gets its gid and /etc/group memberships", () => {
    expect(resolveUser({ imageUser: "app" }, passwd, group)).toEqual({
      uid: 1000,
      gid: 1001,
      additionalGids: [1001, 10],
    });
  });

  test("numeric image users need no passwd entry; name:group and uid:gid", () => {
    expect(resolveUser({ imageUser: "4242" }, undefined, undefined)).toEqual({
      uid: 4242,
      gid: 0,
      additionalGids: [0],
    });
    expect(resolveUser({ imageUser: "app:staff" }, passwd, group).gid).toBe(50);
    expect(resolveUser({ imageUser: "7:8" }, passwd, group)).toMatchObject({ uid: 7, gid: 8 });
  });

  test("runAsUser and runAsGroup win over the image; supplementalGroups and fsGroup join", () => {
    const user = resolveUser(
      { imageUser: "app", runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000], fsGroup: 5000 },
      passwd,
      group,
    );
    expect(user).toEqual({ uid: 1000, gid: 3000, additionalGids: [3000, 10, 4000, 5000] });
    expect(resolveUser({ imageUser: "ghost", runAsUser: 12 }, passwd, group).uid).toBe(12);
  });

  test("an unknown user or group is refused with runc's message", () => {
    expect(() => resolveUser({ imageUser: "ghost" }, passwd, group)).toThrow(
      new UnknownUserError("unable to find user ghost: no matching entries in passwd file"),
    );
    expect(() => resolveUser({ imageUser: "ghost" }, undefined, undefined)).toThrow(UnknownUserError);
    expect(() => resolveUser({ imageUser: "app:nogroup" }, passwd, group)).toThrow(
      "unable to find group nogroup: no matching entries in group file",
    );
  });
});

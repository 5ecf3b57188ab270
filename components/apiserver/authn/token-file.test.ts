import { describe, expect, test } from "bun:test";
import { csvRecords } from "./csv-records.ts";
import { TokenFileAuthenticator } from "./token-file.ts";

describe("TokenFileAuthenticator", () => {
  const file = [
    'admin-token,admin,uid-1,"system:masters,ops"',
    "",
    "kubelet-token,kubelet,uid-2",
    'quoted,"we ""quote""",uid-3,',
  ].join("\n");

  test("token,user,uid and quoted groups, as upstream's CSV", () => {
    const a = TokenFileAuthenticator.parse("known_tokens.csv", file);
    expect(a.size).toBe(3);
    expect(a.authenticateToken("admin-token")).toEqual({
      kind: "ok",
      user: { username: "admin", uid: "uid-1", groups: ["system:masters", "ops"] },
    });
    expect(a.authenticateToken("kubelet-token")).toEqual({
      kind: "ok",
      user: { username: "kubelet", uid: "uid-2", groups: [] },
    });
    expect(a.authenticateToken("quoted")).toMatchObject({ user: { username: 'we "quote"' } });
  });

  test("an unknown token is not this authenticator's", () => {
    const a = TokenFileAuthenticator.parse("f", file);
    expect(a.authenticateToken("nope")).toEqual({ kind: "none" });
    expect(a.authenticateToken("")).toEqual({ kind: "none" });
  });

  test("a line with too few columns fails naming the file and line", () => {
    expect(() => TokenFileAuthenticator.parse("/etc/tokens.csv", "a,b,c\n\ntoken,user\n")).toThrow(
      "token file '/etc/tokens.csv' line 3: must have at least 3 columns (token, user name, user uid), found 2",
    );
  });

  test("a bare quote is Go's csv error, naming file and line", () => {
    expect(() => TokenFileAuthenticator.parse("t.csv", 'a,b,c\nx,us"er,u\n')).toThrow(
      `token file 't.csv' line 2: parse error on line 2, column 5: bare " in non-quoted-field`,
    );
    expect(() => TokenFileAuthenticator.parse("t.csv", 'a,b,"c')).toThrow("extraneous or missing");
  });

  test("an empty token is skipped (upstream warns)", () => {
    const a = TokenFileAuthenticator.parse("t.csv", ",user,uid\nt,u,1\n");
    expect(a.size).toBe(1);
  });

  test("CRLF lines and quoted fields over line breaks", () => {
    expect(csvRecords('a,b,c\r\nd,"e\nf",g\r\n')).toEqual([
      { line: 1, fields: ["a", "b", "c"] },
      { line: 2, fields: ["d", "e\nf", "g"] },
    ]);
  });
});

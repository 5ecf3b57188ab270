import { expect, test } from "bun:test";
import { rewriteResolvConf } from "./resolv-conf-rewrite.ts";

test("127.0.0.1 becomes the host's loopback through slirp, other loopback resolvers slirp's DNS", () => {
  const text =
    "# generated\nsearch example.com\nnameserver 127.0.0.1\nnameserver 127.0.0.53\nnameserver ::1\nnameserver 192.0.2.53\noptions ndots:2\n";
  expect(rewriteResolvConf(text)).toBe(
    "# generated\nsearch example.com\nnameserver 10.0.2.2\nnameserver 10.0.2.3\nnameserver 10.0.2.3\nnameserver 192.0.2.53\noptions ndots:2\n",
  );
});

test("a file without nameservers and odd spacing is kept as it is", () => {
  expect(rewriteResolvConf("")).toBe("");
  expect(rewriteResolvConf("  nameserver\t127.0.0.1  # local\n")).toBe("  nameserver\t10.0.2.2  # local\n");
  expect(rewriteResolvConf("nameserverx 127.0.0.1\n")).toBe("nameserverx 127.0.0.1\n");
});

// Endpoint strings (--etcd-servers) to grpc-js targets, and when the channel speaks TLS.
import { expect, test } from "bun:test";
import { endpointHosts, endpointsUseTls, grpcTarget } from "./endpoints.ts";

test("endpoints become grpc-js targets", () => {
  expect(grpcTarget(["http://127.0.0.1:2379"])).toBe("127.0.0.1:2379");
  expect(grpcTarget(["https://127.0.0.1:2379"])).toBe("127.0.0.1:2379");
  expect(grpcTarget(["127.0.0.1:2379"])).toBe("127.0.0.1:2379");
  expect(grpcTarget(["http://localhost"])).toBe("localhost:2379");
  expect(grpcTarget(["http://[::1]:2379"])).toBe("[::1]:2379");
  expect(grpcTarget(["unix:///run/etcd.sock"])).toBe("unix:/run/etcd.sock");
  expect(grpcTarget(["http://10.0.0.1:2379", "http://10.0.0.2:2379"])).toBe(
    "ipv4:10.0.0.1:2379,10.0.0.2:2379",
  );
  expect(grpcTarget(["http://etcd-a:2379", "http://etcd-b:2379"])).toBe("etcd-a:2379");
  expect(() => grpcTarget(["ftp://127.0.0.1:2379"])).toThrow(/only http:\/\/, https:\/\/ and unix:\/\//);
  expect(() => grpcTarget([])).toThrow(/no endpoints/);
});

test("the scheme chooses TLS; plain host:port follows the TLS files; one channel, one scheme", () => {
  expect(endpointsUseTls(["https://127.0.0.1:2379"], false)).toBe(true);
  expect(endpointsUseTls(["http://127.0.0.1:2379"], true)).toBe(false);
  expect(endpointsUseTls(["127.0.0.1:2379"], true)).toBe(true);
  expect(endpointsUseTls(["127.0.0.1:2379"], false)).toBe(false);
  expect(endpointsUseTls(["unix:///run/etcd.sock"], true)).toBe(false);
  expect(() => endpointsUseTls(["https://a:1", "http://b:2"], true)).toThrow(/mix http:\/\/ and https:\/\//);
});

test("endpoint hosts for the certificate check", () => {
  expect(
    endpointHosts(["https://127.0.0.1:2379", "etcd-b:2379", "https://[::1]:2379", "unix:///x.sock"]),
  ).toEqual(["127.0.0.1", "etcd-b", "::1"]);
});

// Endpoint strings (--etcd-servers) to grpc-js targets.
import { expect, test } from "bun:test";
import { grpcTarget } from "./endpoints.ts";

test("endpoints become grpc-js targets", () => {
  expect(grpcTarget(["http://127.0.0.1:2379"])).toBe("127.0.0.1:2379");
  expect(grpcTarget(["127.0.0.1:2379"])).toBe("127.0.0.1:2379");
  expect(grpcTarget(["http://localhost"])).toBe("localhost:2379");
  expect(grpcTarget(["http://[::1]:2379"])).toBe("[::1]:2379");
  expect(grpcTarget(["unix:///run/etcd.sock"])).toBe("unix:/run/etcd.sock");
  expect(grpcTarget(["http://10.0.0.1:2379", "http://10.0.0.2:2379"])).toBe(
    "ipv4:10.0.0.1:2379,10.0.0.2:2379",
  );
  expect(grpcTarget(["http://etcd-a:2379", "http://etcd-b:2379"])).toBe("etcd-a:2379");
  expect(() => grpcTarget(["https://127.0.0.1:2379"])).toThrow(/only http:\/\//);
  expect(() => grpcTarget([])).toThrow(/no endpoints/);
});

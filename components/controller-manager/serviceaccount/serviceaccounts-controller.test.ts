// serviceaccount sync(namespace) over fake informers and a recording API (upstream
// serviceaccounts_controller_test.go): an active namespace gets its `default` account, an existing
// one is not created again, a terminating namespace gets none, and AlreadyExists is not an error.
import { afterEach, expect, test } from "bun:test";
import type { Namespace, ServiceAccount } from "kubernetes-types/core/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import {
  type ServiceAccountsController,
  startServiceAccountsController,
} from "./serviceaccounts-controller.ts";

let t: TestControllerContext;
afterEach(() => t?.close());

const namespace = (name: string, phase = "Active"): Namespace => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, deletionTimestamp: phase === "Terminating" ? "2026-01-01T00:00:00Z" : undefined },
  status: { phase },
});

const account = (ns: string, name: string): ServiceAccount => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name, namespace: ns },
});

async function start(
  namespaces: Namespace[],
  accounts: ServiceAccount[] = [],
): Promise<ServiceAccountsController> {
  t = testControllerContext();
  t.api.seed("/api/v1/namespaces", ...namespaces);
  t.api.seed("/api/v1/serviceaccounts", ...accounts);
  const controller = startServiceAccountsController(t.context, { accounts: ["default", "builder"] });
  await t.synced();
  return controller;
}

test("an active namespace gets every configured account it lacks", async () => {
  const controller = await start([namespace("team")], [account("team", "builder")]);
  await controller.sync("team");
  expect(
    t.api.writes().map((a) => [a.verb, a.resource, a.namespace, (a.body as ServiceAccount).metadata?.name]),
  ).toEqual([["create", "serviceaccounts", "team", "default"]]);
});

test("a terminating or missing namespace gets nothing", async () => {
  const controller = await start([namespace("old", "Terminating")]);
  await controller.sync("old");
  await controller.sync("gone");
  expect(t.api.writes()).toEqual([]);
});

test("AlreadyExists from a lagging cache is not an error", async () => {
  const controller = await start([namespace("team")]);
  // Created meanwhile: in the store, not yet in the cache.
  t.api.seed("/api/v1/serviceaccounts", account("team", "default"), account("team", "builder"));
  await controller.sync("team");
  expect(t.api.writes().map((a) => a.verb)).toEqual(["create", "create"]);
});

test("another failure fails the sync, to be retried", async () => {
  const controller = await start([namespace("team")]);
  t.api.react("create", "serviceaccounts", () => {
    throw StatusError.internal("storage down");
  });
  await expect(controller.sync("team")).rejects.toThrow("storage down");
});

// Bad requests to a kubelet's server: malformed paths and hosts, bad log options, unknown pods
// and containers, streaming endpoints without an upgrade, writes to read-only paths.
import { type BadInputCase, get, raw, send } from "./bad-input-case.ts";

const k = (
  name: string,
  code: number,
  reason: string,
  run: BadInputCase["send"],
  message?: string | RegExp,
): BadInputCase => ({
  name: `kubelet: ${name}`,
  send: run,
  code,
  reason,
  ...(message === undefined ? {} : { message }),
});

const LOGS = "/containerLogs/default/web/c";

export const KUBELET_CASES: BadInputCase[] = [
  k("a Host with a space", 400, "BadRequest", (t) =>
    raw(t.kubelet, { head: "GET /pods HTTP/1.1\r\nHost: a b\r\n\r\n" }),
  ),
  k("HTTP/1.0 without Host", 400, "BadRequest", (t) =>
    raw(t.kubelet, { head: "GET /pods HTTP/1.0\r\n\r\n" }),
  ),
  k("a malformed %-escape", 400, "BadRequest", (t) =>
    raw(t.kubelet, { head: "GET /containerLogs/default/web/%zz HTTP/1.1\r\nHost: x\r\n\r\n" }),
  ),
  k("an unknown path", 404, "NotFound", (t) => get(t.kubelet, "/nope")),
  k("run (not served)", 404, "NotFound", (t) => send(t.kubelet, "POST", "/run/default/web/c")),
  k("tailLines=abc", 400, "BadRequest", (t) => get(t.kubelet, `${LOGS}?tailLines=abc`), /tailLines/),
  k("tailLines=-3", 400, "BadRequest", (t) => get(t.kubelet, `${LOGS}?tailLines=-3`), /tailLines/),
  k("limitBytes=-1", 400, "BadRequest", (t) => get(t.kubelet, `${LOGS}?limitBytes=-1`), /limitBytes/),
  k("sinceSeconds=x", 400, "BadRequest", (t) => get(t.kubelet, `${LOGS}?sinceSeconds=x`), /sinceSeconds/),
  k(
    "sinceTime=yesterday",
    400,
    "BadRequest",
    (t) => get(t.kubelet, `${LOGS}?sinceTime=yesterday`),
    /sinceTime/,
  ),
  k("logs of an unknown pod", 404, "NotFound", (t) => get(t.kubelet, "/containerLogs/default/nope/c")),
  k("logs of an unknown container", 404, "NotFound", (t) => get(t.kubelet, "/containerLogs/default/web/zz")),
  k("exec in an unknown pod", 404, "NotFound", (t) => get(t.kubelet, "/exec/default/nope/c?command=ls")),
  k("exec in a container not running", 400, "BadRequest", (t) =>
    get(t.kubelet, "/exec/default/web/c?command=ls"),
  ),
  k("attach to a container not running", 400, "BadRequest", (t) => get(t.kubelet, "/attach/default/web/c")),
  k("port-forward to an unknown pod", 404, "NotFound", (t) => get(t.kubelet, "/portForward/default/nope")),
  k("POST to /pods", 405, "MethodNotAllowed", (t) => send(t.kubelet, "POST", "/pods", "{}")),
  k("DELETE of /spec", 405, "MethodNotAllowed", (t) => send(t.kubelet, "DELETE", "/spec")),
  k("PUT to /stats/summary", 405, "MethodNotAllowed", (t) => send(t.kubelet, "PUT", "/stats/summary", "{}")),
];

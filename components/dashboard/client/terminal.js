// The exec terminal (bundled into ./kube by bundle-macro.ts): xterm.js on a websocket to the
// dashboard's /k8s exec route, which makes the API request as the session's user. Frames are
// the v5/v4.channel.k8s.io protocol: first byte the channel (0 stdin, 1 stdout, 2 stderr,
// 3 the Status, 4 resize {"Width","Height"}, 255 close in v5).
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import css from "@xterm/xterm/css/xterm.css" with { type: "text" };

const el = document.getElementById("term");
if (el) start(el);

function start(el) {
  const style = document.createElement("style");
  style.textContent = css;
  document.head.appendChild(style);
  const state = document.getElementById("termstate");
  const say = (t) => {
    if (state) state.textContent = t;
  };
  // The process runtime gives exec no pty: nothing echoes or edits a line, so the terminal does.
  const local = el.getAttribute("data-echo") === "local";
  const term = new Terminal({
    convertEol: local,
    cursorBlink: true,
    fontFamily: "ui-monospace, monospace",
    fontSize: 13,
    scrollback: 5000,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  el.textContent = "";
  term.open(el);
  fit.fit();
  window.kubeTerminal = term;
  const url = `${location.protocol === "https:" ? "wss://" : "ws://"}${location.host}${el.getAttribute("data-src")}`;
  const ws = new WebSocket(url, ["v5.channel.k8s.io", "v4.channel.k8s.io"]);
  ws.binaryType = "arraybuffer";
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const send = (channel, bytes) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const m = new Uint8Array(bytes.length + 1);
    m[0] = channel;
    m.set(bytes, 1);
    ws.send(m);
  };
  const sendSize = () => send(4, enc.encode(JSON.stringify({ Width: term.cols, Height: term.rows })));
  let opened = false;
  ws.onopen = () => {
    opened = true;
    say("connected");
    sendSize();
    term.focus();
  };
  ws.onmessage = (e) => {
    const b = new Uint8Array(e.data);
    if (!b.length) return;
    const ch = b[0];
    if (ch === 1 || ch === 2) term.write(b.subarray(1));
    else if (ch === 3) {
      let status = {};
      try {
        status = JSON.parse(dec.decode(b.subarray(1)));
      } catch {}
      if (status.status === "Success") say("exited (0)");
      else {
        const code = (status.details?.causes ?? []).find((c) => c.reason === "ExitCode")?.message;
        say(code ? `exited (${code})` : "error");
        if (!code) term.write(`\r\n\x1b[31m${status.message ?? "error"}\x1b[0m\r\n`);
      }
    }
  };
  ws.onclose = () => {
    if (opened) {
      if (state && !/exited|error/.test(state.textContent)) say("closed");
      return;
    }
    // A refused handshake does not say why; the same request without the upgrade does.
    say("refused");
    fetch(el.getAttribute("data-src"), { headers: { "X-Kube-Dashboard": "exec" } })
      .then((r) => r.text())
      .then((t) => {
        let m = t;
        try {
          m = JSON.parse(t).message ?? t;
        } catch {}
        const err = document.getElementById("termerr");
        if (err) {
          err.textContent = m;
          err.style.display = "block";
        }
      });
  };
  let line = "";
  term.onData((d) => {
    if (!local) return send(0, enc.encode(d));
    for (const c of d) {
      if (c === "\r") {
        term.write("\r\n");
        send(0, enc.encode(`${line}\n`));
        line = "";
      } else if (c === "\x7f") {
        if (line) term.write("\b \b");
        line = line.slice(0, -1);
      } else if (c === "\x03" || c === "\x04") send(0, enc.encode(c));
      else if (c >= " ") {
        line += c;
        term.write(c);
      }
    }
  });
  term.onResize(sendSize);
  new ResizeObserver(() => fit.fit()).observe(el);
  addEventListener("pagehide", () => ws.close());
}

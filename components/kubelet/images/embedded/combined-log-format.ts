// One access-log line in nginx's predefined "combined" format (ngx_http_log_module):
// $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
// "$http_referer" "$http_user_agent"

export interface AccessLogEntry {
  remoteAddr: string;
  remoteUser?: string;
  time: Date;
  /** The request line: `GET / HTTP/1.1`. */
  request: string;
  status: number;
  bodyBytesSent: number;
  referer?: string;
  userAgent?: string;
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** nginx's $time_local: `10/Oct/2000:13:55:36 -0700`, in the local time zone. */
export function timeLocal(time: Date): string {
  const offset = -time.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  const day = `${pad(time.getDate())}/${months[time.getMonth()]}/${time.getFullYear()}`;
  return `${day}:${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())} ${zone}`;
}

/** nginx escapes `"`, `\` and bytes outside printable ASCII in logged variables as \xXX. */
function escapeValue(value: string): string {
  return value.replace(
    /[^\x20-\x7e]|["\\]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

const orDash = (value: string | undefined): string =>
  value === undefined || value === "" ? "-" : escapeValue(value);

export function combinedLogLine(entry: AccessLogEntry): string {
  return (
    `${entry.remoteAddr} - ${orDash(entry.remoteUser)} [${timeLocal(entry.time)}] "${escapeValue(entry.request)}" ` +
    `${entry.status} ${entry.bodyBytesSent} "${orDash(entry.referer)}" "${orDash(entry.userAgent)}"`
  );
}

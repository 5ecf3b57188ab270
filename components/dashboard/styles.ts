// The dashboard's stylesheet, embedded: a sidebar that folds above the content on a phone-width
// screen, tables that scroll sideways instead of squeezing.
export const STYLES = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,sans-serif;color:#1b1f24;background:#f6f7f9}
a{color:#1a5fb4;text-decoration:none}a:hover{text-decoration:underline}
header{display:flex;gap:12px;align-items:center;padding:8px 14px;background:#1b2a41;color:#fff;flex-wrap:wrap}
header a{color:#fff}header .who{margin-left:auto;font-size:12px;opacity:.85}
header form{display:inline}header select{max-width:10em}
.wrap{display:flex;min-height:calc(100vh - 44px)}
nav{width:190px;flex:none;background:#fff;border-right:1px solid #dde1e6;padding:8px 0}
nav h4{margin:10px 14px 2px;font-size:11px;text-transform:uppercase;color:#6b7280}
nav a{display:block;padding:3px 14px}nav a.on{background:#e8f0fe;font-weight:600}
main{flex:1;min-width:0;padding:14px 18px}
h1{font-size:20px;margin:0 0 12px}h2{font-size:16px;margin:18px 0 8px}
.scroll{overflow-x:auto;background:#fff;border:1px solid #dde1e6;border-radius:6px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 9px;border-bottom:1px solid #eef0f3;white-space:nowrap}
th{background:#f2f4f7;font-weight:600;font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:10px 14px;min-width:140px}
.card b{display:block;font-size:22px}
.bar{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}
button,.btn{font:inherit;padding:4px 10px;border:1px solid #b8c0cc;border-radius:5px;background:#fff;cursor:pointer;color:#1b1f24}
button:disabled{opacity:.45;cursor:not-allowed}button.danger{border-color:#c01c28;color:#c01c28}
input,select,textarea{font:inherit;padding:3px 6px;border:1px solid #b8c0cc;border-radius:4px}
textarea{width:100%;min-height:360px;font-family:ui-monospace,monospace;font-size:13px}
pre{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:10px;overflow:auto;font-size:12.5px}
.xterm-box{background:#000;border-radius:6px;height:60vh;min-height:240px;overflow:hidden}.xterm-box .xterm{padding:6px;height:100%}
.u-legend{font-size:11px}.u-legend .u-series{padding:0 4px}
.chart{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:6px;margin:6px 0;min-height:60px;overflow:hidden}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:10px}
pre.term{background:#111;color:#e6e6e6;min-height:260px;max-height:60vh;white-space:pre-wrap}
.error{background:#fdecea;border:1px solid #f5c2c0;color:#8a1c14;padding:8px 12px;border-radius:6px;margin:8px 0;white-space:pre-wrap}
.ok{background:#e7f6ec;border:1px solid #b7e1c3;padding:8px 12px;border-radius:6px;margin:8px 0}
.muted{color:#6b7280}.Running,.True,.Ready{color:#1a7f37}.Pending{color:#9a6700}.Failed,.Warning{color:#c01c28}
#conn{position:fixed;bottom:10px;right:10px;padding:6px 12px;border-radius:6px;background:#9a6700;color:#fff;display:none}
mark{background:#ffe58f}
.graph ul{list-style:none;padding-left:18px;border-left:2px solid #dde1e6}.graph li{margin:4px 0}
@media (max-width:700px){.wrap{flex-direction:column}nav{width:auto;border-right:0;border-bottom:1px solid #dde1e6;display:flex;flex-wrap:wrap;padding:4px}
nav h4{display:none}nav a{padding:3px 8px}main{padding:10px}}
`;

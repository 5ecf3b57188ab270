// The small client layer, embedded as text and served at <prefix>/static/app.js: live updates
// (watches streamed through the dashboard, then the page's main part re-rendered by the
// server), reconnection with a banner, and log streaming with search. The terminal, charts and YAML
// editor are bundles of their own (client/, client-assets.ts).
export const CLIENT_SCRIPT = String.raw`(function(){
var P=document.body.getAttribute('data-prefix')||'/ui';
var conn=document.getElementById('conn');
function banner(t,color){if(!conn)return;conn.textContent=t;conn.style.background=color||'#9a6700';conn.style.display=t?'block':'none';}
var pending=null;
// Watches end with the page, so their connections do not hold the browser's per-host slots.
var stop=new AbortController();addEventListener('pagehide',function(){stop.abort();});
function refresh(){if(pending)return;pending=setTimeout(function(){pending=null;
  fetch(location.href,{cache:'no-store',headers:{'X-Kube-Dashboard':'fragment'}}).then(function(r){return r.text();}).then(function(t){
    var d=new DOMParser().parseFromString(t,'text/html');var m=d.getElementById('main');var cur=document.getElementById('main');
    var a=document.activeElement;if(m&&cur&&!(a&&/INPUT|TEXTAREA|SELECT/.test(a.tagName)&&cur.contains(a))){cur.innerHTML=m.innerHTML;document.dispatchEvent(new Event('kube:refreshed'));}
  }).catch(function(){setTimeout(refresh,500);});},120);}
function watch(path,rv){var lost=false,retry=0;
  function go(){var u=P+'/k8s'+path+(path.indexOf('?')<0?'?':'&')+'watch=1&allowWatchBookmarks=true'+(rv?'&resourceVersion='+encodeURIComponent(rv):'');
    fetch(u,{cache:'no-store',signal:stop.signal,headers:{'X-Kube-Dashboard':'watch'}}).then(function(res){
      if(res.status===410){rv='';refresh();return again(0);}
      if(!res.ok||!res.body)throw new Error('watch '+res.status);
      if(lost){lost=false;banner('Reconnected','#1a7f37');setTimeout(function(){banner('');},2000);refresh();}
      retry=0;var rd=res.body.getReader(),dec=new TextDecoder(),buf='';
      function pump(){return rd.read().then(function(x){if(x.done)return again(0);
        buf+=dec.decode(x.value,{stream:true});var i;
        while((i=buf.indexOf('\n'))>=0){var line=buf.slice(0,i);buf=buf.slice(i+1);if(!line.trim())continue;
          try{var ev=JSON.parse(line);var o=ev.object||{};if(o.metadata&&o.metadata.resourceVersion)rv=o.metadata.resourceVersion;
            if(ev.type==='ERROR'){rv='';refresh();}else if(ev.type!=='BOOKMARK')refresh();}catch(e){}}
        return pump();});}
      return pump();
    }).catch(function(){if(stop.signal.aborted)return;lost=true;banner('Connection lost, reconnecting\u2026');again(Math.min(5000,500*(++retry)));});}
  function again(ms){setTimeout(go,ms);}
  go();}
// Scripts that need not delay the first paint (the charts): loaded once the browser is idle after it.
addEventListener('load',function(){(window.requestIdleCallback||function(f){setTimeout(f,200);})(function(){
  document.querySelectorAll('script[data-lazy]').forEach(function(s){
    var e=document.createElement('script');e.src=s.getAttribute('data-lazy');document.body.appendChild(e);});},{timeout:1000});});
document.querySelectorAll('[data-watch]').forEach(function(el){watch(el.getAttribute('data-watch'),el.getAttribute('data-rv'));});
// Pod logs: streamed, optionally followed, filtered by a search box.
var logs=document.getElementById('logs');
if(logs){var lines=[],q=document.getElementById('logsearch');
  function draw(){var s=q&&q.value;var out=s?lines.filter(function(l){return l.indexOf(s)>=0;}):lines;logs.textContent=out.join('\n');logs.scrollTop=logs.scrollHeight;}
  if(q)q.addEventListener('input',draw);
  fetch(logs.getAttribute('data-src'),{signal:stop.signal,headers:{'X-Kube-Dashboard':'logs'}}).then(function(res){
    if(!res.ok)return res.text().then(function(t){var m=t;try{m=JSON.parse(t).message;}catch(e){}logs.textContent='';var e=document.getElementById('logerr');e.textContent=m;e.style.display='block';});
    var rd=res.body.getReader(),dec=new TextDecoder(),buf='';
    function pump(){return rd.read().then(function(x){if(x.done){if(buf)lines.push(buf);draw();return;}
      buf+=dec.decode(x.value,{stream:true});var parts=buf.split('\n');buf=parts.pop();lines=lines.concat(parts);draw();return pump();});}
    return pump();});}
})();`;

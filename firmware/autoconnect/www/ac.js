function onFocus(e){var s=document.getElementById("ssid");s.value=e;document.getElementById("passphrase").focus()}
function vsw(e){var l=document.getElementsByClassName("exp");for(var i=0;i<l.length;i++){l[i].style.display=e?"none":"flex";l[i].getElementsByTagName("input")[0].disabled=e}if(!e)document.getElementById("sip").focus()}
function crdel(e){if(confirm(e+" Delete a credential?")){var f=document.getElementById("_sid"),i=document.createElement("input");f.action="/_ac/del";i.type="hidden";i.name="del";i.value=e;f.appendChild(i);f.submit()}}
window.addEventListener("load",function(){var d=document.getElementById("dhcp");if(d)vsw(d.checked);var c=document.getElementById("cd");if(c){var t=+c.dataset.t,h=setInterval(function(){if(--t>0)c.innerHTML=t+"&nbsp;sec.";else{c.innerHTML="expiry";clearInterval(h)}},1e3)}var n=document.getElementById("next");if(n)setTimeout(function(){location.href=n.dataset.href},2e3)});
function _bu(u){var f=document.getElementById("_aux"),a=f.querySelector("input[name=_acuri]");if(!a){a=document.createElement("input");a.type="hidden";a.name="_acuri";f.appendChild(a)}a.value=location.pathname;f.action=u;return f}
function _sa(u){_bu(u).submit()}
function _ma(e,p){var s=p=="i"?e.previousElementSibling:e.nextElementSibling;if(s)s.innerHTML=e.value}
function _as(o,v){for(var k in v)if(v[k]!==null&&typeof v[k]=="object")_as(o[k],v[k]);else o[k]=v[k]}
function _fe(e){var d=new FormData(_bu(location.pathname));d.append("_on",e.name||e.id);fetch("/_ac/worker",{method:"POST",body:d}).then(function(r){return r.json()}).then(function(l){l.forEach(function(x){var o=document.getElementById(x.id);if(o){delete x.id;_as(o,x)}})})}

(function(){
var src=document.getElementById('report-data');if(!src)return;
var D=JSON.parse(src.value),R=D.rel,S=50;
function el(tag,text,cls){var e=document.createElement(tag);if(text!==undefined&&text!==null)e.textContent=String(text);if(cls)e.className=cls;return e;}
function doc(i){return D.docs[i]||['?',null,null,null];}
function label(i){var d=doc(i);return d[1]?d[0]+' \u00b7 '+d[1]:d[0];}
function badge(code){var r=R[code]||'';var b=el('span',D.words[r]||r,'badge '+r.replace(/[^A-Za-z0-9_-]/g,''));return b;}
function num(x,k){return x===null||x===undefined?'\u2013':Number(x).toFixed(k);}
function td(tr,content,cls){var c=el('td',null,cls);if(content&&content.nodeType)c.appendChild(content);else c.textContent=content===null||content===undefined?'':String(content);tr.appendChild(c);return c;}
function members(list,fam){var ol=el('ol',null,'members');list.forEach(function(m){var li=el('li');
 li.appendChild(el('span',(doc(m[0])[2]||'undated')+(m[fam?4:1]!==null?' (+'+num(m[fam?4:1],1)+' d)':'')+' ','muted'));
 li.appendChild(el('span',doc(m[0])[0],'id'));if(doc(m[0])[1])li.appendChild(el('span',' \u00b7 '+doc(m[0])[1]));
 if(doc(m[0])[3])li.appendChild(el('span',' \u00b7 '+doc(m[0])[3],'muted'));
 if(fam&&m[1]>=0){li.appendChild(el('span',' \u2190 copied from ','muted'));li.appendChild(el('span',doc(m[1])[0],'id'));li.appendChild(el('span',' '));li.appendChild(badge(m[2]));
  if(m[3])li.appendChild(el('span',' confidence '+Math.round(m[3]*100)+'%','muted'));}
 ol.appendChild(li);});return ol;}
function browse(id,rows,text,rel,draw,cols){var root=document.getElementById(id);if(!root)return;
 var q=root.querySelector('input[type=search]'),sel=root.querySelector('select'),tb=root.querySelector('tbody'),info=root.querySelector('.info'),prev=root.querySelector('button.prev'),next=root.querySelector('button.next');
 var keys=rows.map(function(r){return text(r).toLowerCase();}),shown=rows.map(function(r,k){return k;}),page=0;
 root.hidden=false;
 function apply(){var w=q.value.toLowerCase().trim(),want=sel?sel.value:'';shown=[];for(var k=0;k<rows.length;k++){if((!w||keys[k].indexOf(w)>=0)&&(!want||rel(rows[k])===want))shown.push(k);}page=0;show();}
 function show(){while(tb.firstChild)tb.removeChild(tb.firstChild);var a=page*S,b=Math.min(shown.length,a+S);
  for(var k=a;k<b;k++)draw(rows[shown[k]],tb,cols);info.textContent=shown.length?(a+1)+'\u2013'+b+' of '+shown.length:'none';prev.disabled=page===0;next.disabled=b>=shown.length;}
 q.addEventListener('input',apply);if(sel)sel.addEventListener('change',apply);
 prev.addEventListener('click',function(){if(page>0){page--;show();}});next.addEventListener('click',function(){if((page+1)*S<shown.length){page++;show();}});
 show();}
function toggle(tb,tr,cols,make){var btn=el('button','show','more');btn.type='button';var open=null;
 btn.addEventListener('click',function(){if(open){open.parentNode.removeChild(open);open=null;btn.textContent='show';return;}
  open=el('tr',null,'detail');var c=el('td');c.colSpan=cols;c.appendChild(make());open.appendChild(c);tr.parentNode.insertBefore(open,tr.nextSibling);btn.textContent='hide';});
 return btn;}
browse('browse-pairs',D.pairs,function(p){return label(p[0])+' '+label(p[1])+' '+(doc(p[0])[3]||'')+' '+(doc(p[1])[3]||'');},function(p){return R[p[2]];},function(p,tb){
 var tr=el('tr');td(tr,badge(p[2]));td(tr,label(p[0]));td(tr,label(p[1]));td(tr,p[6]===1?'A':p[6]===2?'B':'?');
 td(tr,num(p[3],3),'n');td(tr,num(p[4],2),'n');td(tr,num(p[5],2),'n');
 var c=td(tr,'');if(p[8]>0){var a=el('a','details');a.href='#pair-'+p[8];c.appendChild(a);}tb.appendChild(tr);},8);
browse('browse-families',D.families,function(f){return f[6].map(function(m){return label(m[0])+' '+(doc(m[0])[3]||'');}).join(' ');},null,function(f,tb,cols){
 var tr=el('tr');td(tr,label(f[1]));td(tr,f[2],'n');td(tr,f[3],'n');td(tr,f[4]);td(tr,f[5]);
 td(tr,toggle(tb,tr,cols,function(){return members(f[6],true);}));tb.appendChild(tr);},6);
browse('browse-stories',D.stories,function(s){return s[6].map(function(m){return label(m[0])+' '+(doc(m[0])[3]||'');}).join(' ');},null,function(s,tb,cols){
 var tr=el('tr');td(tr,label(s[1]));td(tr,s[2],'n');td(tr,s[3],'n');td(tr,s[4]);td(tr,s[5]);
 td(tr,toggle(tb,tr,cols,function(){return members(s[6],false);}));tb.appendChild(tr);},6);
})();

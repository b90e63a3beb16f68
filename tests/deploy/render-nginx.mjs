// render-nginx.mjs -- makes deploy/nginx/idekom.conf runnable by Debian's nginx on loopback,
// changing only what a test must change, and writes a main nginx.conf around it that is
// shaped like the official image's (mime.types and the conf.d file inside http { }).
//
// Usage: node tests/deploy/render-nginx.mjs OUT_DIR LISTEN_PORT WEB_DIR UPSTREAM...
//   e.g.  ... .run/deploy/nginx 18600 web 127.0.0.1:18601 127.0.0.1:18602
//
// The four changes, each of which must match exactly one line (or this fails):
//   server api:8080 resolve <params>;  ->  server UPSTREAM <params>;  (one a given upstream;
//                                            no `resolve`: Debian's 1.22 predates it and the
//                                            addresses are fixed here)
//   listen 80;                         ->  listen 127.0.0.1:LISTEN_PORT;
//   root /usr/share/nginx/html;        ->  root WEB_DIR;
//   set_real_ip_from 172.30.0.1;       ->  set_real_ip_from 127.0.0.254;  (the edge gateway,
//                                            where a local TLS terminator comes from, becomes
//                                            a loopback address the tests connect from)
// Every other line is the shipped file's, byte for byte (checked after rendering).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const [outDir, listenPort, webDir, ...upstreams] = process.argv.slice(2);
if (!outDir || !listenPort || !webDir || upstreams.length === 0) {
  console.error('usage: render-nginx.mjs OUT_DIR LISTEN_PORT WEB_DIR UPSTREAM...');
  process.exit(2);
}
const src = fs.readFileSync(path.join(ROOT, 'deploy', 'nginx', 'idekom.conf'), 'utf8');
const lines = src.split('\n');
const counts = { server: 0, listen: 0, root: 0, real_ip: 0 };
const out = [];
for (const line of lines) {
  let m;
  if ((m = /^(\s*)server\s+api:8080\s+resolve(\s+[^;]*)?;\s*$/.exec(line))) {
    counts.server++;
    for (const u of upstreams) out.push(`${m[1]}server ${u}${m[2] || ''};`);
  } else if ((m = /^(\s*)listen\s+80;\s*$/.exec(line))) {
    counts.listen++;
    out.push(`${m[1]}listen 127.0.0.1:${listenPort};`);
  } else if ((m = /^(\s*)set_real_ip_from\s+172\.30\.0\.1;\s*$/.exec(line))) {
    counts.real_ip++;
    out.push(`${m[1]}set_real_ip_from 127.0.0.254;`);
  } else if ((m = /^(\s*)root\s+\/usr\/share\/nginx\/html;\s*$/.exec(line))) {
    counts.root++;
    out.push(`${m[1]}root ${path.resolve(webDir)};`);
  } else {
    out.push(line);
  }
}
for (const [k, n] of Object.entries(counts)) {
  if (n !== 1) {
    console.error(`render-nginx: expected exactly one ${k} line to swap in deploy/nginx/idekom.conf, found ${n}`);
    process.exit(1);
  }
}
// the rest is unchanged: drop the swapped lines from both and compare
const keep = (l) => !/^\s*(server\s+(api:8080|\d+\.\d+\.\d+\.\d+:\d+)\b|listen\s|root\s|set_real_ip_from\s+(172\.30\.0\.1|127\.0\.0\.254);)/.test(l);
if (lines.filter(keep).join('\n') !== out.filter(keep).join('\n')) {
  console.error('render-nginx: more than the four swapped lines differ');
  process.exit(1);
}
fs.mkdirSync(path.join(outDir, 'tmp'), { recursive: true });
const conf = path.resolve(outDir, 'idekom.conf');
fs.writeFileSync(conf, out.join('\n'));

// As root, workers run as nobody, like the image's `nginx` user: web/ must be readable by
// others, exactly as it must be in the container's bind mount.
const asRoot = process.getuid && process.getuid() === 0;
const abs = path.resolve(outDir);
fs.writeFileSync(
  path.join(outDir, 'nginx.conf'),
  `# written by tests/deploy/render-nginx.mjs: the official image's nginx.conf, made local
daemon off;
${asRoot ? 'user nobody nogroup;\n' : ''}worker_processes 1;
pid ${abs}/nginx.pid;
error_log stderr notice;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path ${abs}/tmp/body;
    proxy_temp_path ${abs}/tmp/proxy;
    fastcgi_temp_path ${abs}/tmp/fastcgi;
    uwsgi_temp_path ${abs}/tmp/uwsgi;
    scgi_temp_path ${abs}/tmp/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    include ${conf};
}
`,
);
console.log(`render-nginx: ${conf} (${upstreams.length} upstreams, listening on 127.0.0.1:${listenPort})`);

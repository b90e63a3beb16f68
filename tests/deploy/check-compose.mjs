// check-compose.mjs -- checks docker-compose.yml without a Docker engine.
//
// Usage: node tests/deploy/check-compose.mjs [COMPOSE_SCHEMA.json]
//   (default schema: tests/deploy/compose-spec/compose-spec.json, vendored with its licence)
//
// Prints one "ok: ..." or "FAILED: ..." line a check; exits 1 when any failed.
//  1. the file as written, and the file with deploy/.env.example's values substituted, are
//     valid against the Compose Specification schema (draft-07, Ajv);
//  2. every service has a health check, or is a one-shot job (restart "no" and a profile);
//  3. only `web` publishes ports;
//  4. every ${VARIABLE} the file uses is in deploy/.env.example with the same default, and
//     every setting there is used; no bare $VARIABLE (write $$ for a literal dollar);
//  5. every setting the service reads (getenv/env_long/env_str in service/src) reaches the
//     api container, or is listed below as not needed there;
//  6. the pieces agree with one another: nginx's upstream names the api service and its PORT,
//     nginx's root is where web/ is mounted, TRUSTED_PROXIES holds web's fixed address, that
//     address lies inside the edge subnet and outside the range Docker hands out, secrets
//     named by *_FILE are mounted, bind-mounted files exist, images carry explicit tags;
//  7. the README's operator section has a row for every setting of deploy/.env.example;
//  8. every service rotates its logs (json-file with max-size and max-file) and has memory,
//     CPU and pids limits; web is read-only with tmpfs where nginx writes; the JWT keys come
//     from a secret file, never from the environment.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import Ajv from 'ajv';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const schemaPath = process.argv[2] || path.join(ROOT, 'tests', 'deploy', 'compose-spec', 'compose-spec.json');
const composePath = path.join(ROOT, 'docker-compose.yml');
const envPath = path.join(ROOT, 'deploy', '.env.example');
const nginxPath = path.join(ROOT, 'deploy', 'nginx', 'idekom.conf');
const readmePath = path.join(ROOT, 'README.md');

// Settings the service reads that the api container does not need, and why.
const NOT_FOR_THE_CONTAINER = {
  WEBHOOK_RETRY_SCALE: 'tests only: divides the webhook retry delays',
  MAIL_RETRY_SCALE: 'tests only: divides the mail retry delays',
  SMTP_PASSWORD: 'from the smtp_password secret (SMTP_PASSWORD_FILE), given in docker-compose.override.yml only when the relay needs a login (README.md, "Mail (SMTP)")',
  IDEKOM_PASSWORD: '`idekom user add` only (given on stdin or with exec -e)',
  IDEKOM_DEMO_ADMIN_FILE: '`idekom seed-demo` only (demo data is not for production)',
  STATIC_DIR: 'web (nginx) serves web/; the API serves no files',
  JWT_SECRET: 'the api container takes its keys from the jwt_keys secret (JWT_KEYS_FILE)',
};
// Settings the api container gets through a *_FILE secret instead (docker-entrypoint.sh).
const VIA_FILE = { JWT_KEYS: 'JWT_KEYS_FILE', PGPASSWORD: 'POSTGRES_PASSWORD_FILE' };
// Variables .env.example may hold although the file does not interpolate them.
const USED_BY_COMPOSE_ITSELF = new Set(['COMPOSE_PROJECT_NAME']);

let failures = 0;
function ok(msg) {
  console.log(`ok: ${msg}`);
}
function bad(msg, detail) {
  failures++;
  console.log(`FAILED: ${msg}`);
  if (detail) console.log(String(detail).replace(/^/gm, '    '));
}
function check(msg, problems) {
  if (problems.length === 0) ok(msg);
  else bad(msg, problems.join('\n'));
}

// ------------------------------------------------------------------------------------------
// inputs

const composeText = fs.readFileSync(composePath, 'utf8');
const compose = YAML.parse(composeText);
const envExample = parseEnvFile(fs.readFileSync(envPath, 'utf8'));

function parseEnvFile(text) {
  const out = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`${envPath}: cannot read line "${raw}"`);
    out.set(m[1], m[2]);
  }
  return out;
}

// Every string in the parsed document (keys too): what Compose interpolates. Comments are not.
function strings(node, out = []) {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) node.forEach((n) => strings(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

// ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?err}, ${NAME?err}, ${NAME:+x}, ${NAME+x}
const VAR_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}/g;

function usesIn(s) {
  const found = [];
  const bare = [];
  // $$ is a literal dollar: take it out first
  const t = s.replace(/\$\$/g, '');
  for (const m of t.matchAll(VAR_RE)) found.push({ name: m[1], op: m[2] || '', arg: m[3] ?? '' });
  for (const m of t.replace(VAR_RE, '').matchAll(/\$([A-Za-z_][A-Za-z0-9_]*|\{)/g)) bare.push(m[0]);
  return { found, bare };
}

// Compose's interpolation, for the substituted copy of the file.
function interpolate(s, env) {
  return s
    .split('$$')
    .map((part) =>
      part.replace(VAR_RE, (_, name, op = '', arg = '') => {
        const v = env.get(name);
        const set = v !== undefined;
        const nonEmpty = set && v !== '';
        switch (op) {
          case ':-': return nonEmpty ? v : arg;
          case '-': return set ? v : arg;
          case ':?': if (!nonEmpty) throw new Error(`${name}: ${arg}`); return v;
          case '?': if (!set) throw new Error(`${name}: ${arg}`); return v;
          case ':+': return nonEmpty ? arg : '';
          case '+': return set ? arg : '';
          default: return set ? v : '';
        }
      }),
    )
    .join('$');
}

function deepMap(node, f) {
  if (typeof node === 'string') return f(node);
  if (Array.isArray(node)) return node.map((n) => deepMap(n, f));
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) out[f(k)] = deepMap(v, f);
    return out;
  }
  return node;
}

// ------------------------------------------------------------------------------------------
// 1. the Compose Specification schema

{
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  // The file names the draft-07 meta-schema by an https URL that Ajv does not register; the
  // schema is draft-07, which is Ajv's default, so the reference is dropped.
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  const fmt = (errs) => (errs || []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('\n');
  if (validate(compose)) ok('docker-compose.yml (as written) is valid against the Compose Specification schema');
  else bad('docker-compose.yml (as written) against the Compose Specification schema', fmt(validate.errors));
  let substituted;
  try {
    substituted = deepMap(compose, (s) => interpolate(s, envExample));
  } catch (e) {
    bad('interpolating docker-compose.yml with deploy/.env.example', e.message);
  }
  if (substituted) {
    if (validate(substituted)) ok('docker-compose.yml with the values of deploy/.env.example is valid against the schema');
    else bad('docker-compose.yml with deploy/.env.example values against the schema', fmt(validate.errors));
  }
  // a top-level name: is refused by Debian's docker-compose 1.29 (docs/libraries.md, "Tools")
  check('no top-level `name:` (COMPOSE_PROJECT_NAME in .env names the project)', 'name' in compose ? ['top-level name: present'] : []);
}

const services = compose.services || {};
const resolved = deepMap(compose, (s) => interpolate(s, envExample));

// ------------------------------------------------------------------------------------------
// 2. health checks; 3. ports

{
  const problems = [];
  for (const [name, svc] of Object.entries(services)) {
    const hc = svc.healthcheck;
    const oneShot = svc.restart === 'no' && Array.isArray(svc.profiles) && svc.profiles.length > 0;
    if (hc && !hc.disable && Array.isArray(hc.test) && hc.test.length > 1 && hc.test[0] !== 'NONE') continue;
    if (oneShot) continue;
    problems.push(`${name}: no health check, and not a one-shot job (restart "no" plus a profile)`);
  }
  check(`every service has a health check or is a one-shot job (${Object.keys(services).join(', ')})`, problems);
}
{
  const problems = [];
  for (const [name, svc] of Object.entries(services)) {
    if (name !== 'web' && svc.ports) problems.push(`${name} publishes ports: ${JSON.stringify(svc.ports)}`);
  }
  if (!services.web?.ports?.length) problems.push('web publishes no port');
  check('only web publishes a port', problems);
}
{
  const problems = [];
  const want = { api: { db: 'service_healthy' }, web: { api: 'service_healthy' }, backup: { db: 'service_healthy' } };
  for (const [svc, deps] of Object.entries(want)) {
    for (const [dep, cond] of Object.entries(deps)) {
      const got = services[svc]?.depends_on?.[dep]?.condition;
      if (got !== cond) problems.push(`${svc} depends_on ${dep}: condition ${got}, want ${cond}`);
    }
  }
  for (const key of ['container_name', 'ports', 'hostname']) {
    if (services.api?.[key]) problems.push(`api has ${key}: it could not be scaled (--scale api=3)`);
  }
  if (services.db?.ports) problems.push('db publishes a port');
  check('start order waits for healthy dependencies; api can be scaled', problems);
}

// ------------------------------------------------------------------------------------------
// 8. logs, limits, read-only web, keys from a file

{
  const problems = [];
  for (const [name, svc] of Object.entries(services)) {
    const log = svc.logging || {};
    if (log.driver !== 'json-file' || !/^\d+[km]$/.test(String(log.options?.['max-size'] || '')) || !/^\d+$/.test(String(log.options?.['max-file'] || ''))) {
      problems.push(`${name}: logging must be json-file with max-size and max-file (got ${JSON.stringify(log)})`);
    }
    if (!/^\d+[mg]$/.test(String(svc.mem_limit || ''))) problems.push(`${name}: no mem_limit`);
    if (!(Number(svc.cpus) > 0)) problems.push(`${name}: no cpus limit`);
    if (!(Number(svc.pids_limit) > 0)) problems.push(`${name}: no pids_limit`);
  }
  const web = services.web || {};
  if (web.read_only !== true) problems.push('web is not read_only');
  for (const dir of ['/var/cache/nginx', '/run']) {
    if (!(web.tmpfs || []).includes(dir)) problems.push(`web: no tmpfs on ${dir} (nginx writes there)`);
  }
  const apiEnv = services.api?.environment || {};
  if ('JWT_KEYS' in apiEnv || 'JWT_SECRET' in apiEnv) problems.push('api: JWT keys in the environment (use the jwt_keys secret)');
  if (apiEnv.JWT_KEYS_FILE !== '/run/secrets/jwt_keys') problems.push('api: JWT_KEYS_FILE is not /run/secrets/jwt_keys');
  check('every service rotates its logs and has memory, CPU and pids limits; web is read-only; keys from a secret file', problems);
}

// ------------------------------------------------------------------------------------------
// 4. variables and deploy/.env.example

{
  const uses = new Map(); // name -> [{op,arg}]
  const bare = [];
  for (const s of strings(compose)) {
    const u = usesIn(s);
    for (const f of u.found) {
      if (!uses.has(f.name)) uses.set(f.name, []);
      uses.get(f.name).push(f);
    }
    bare.push(...u.bare.map((b) => `${b} in "${s}"`));
  }
  check('no bare $VARIABLE (every use is ${VARIABLE...}; a literal dollar is $$)', bare);
  const missing = [...uses.keys()].filter((n) => !envExample.has(n));
  check(`every \${VARIABLE} in docker-compose.yml (${uses.size}) is in deploy/.env.example`, missing.map((n) => `${n} is not in deploy/.env.example`));
  const mismatch = [];
  for (const [name, list] of uses) {
    if (!envExample.has(name)) continue;
    for (const u of list) {
      if (u.op !== ':-') {
        mismatch.push(`${name}: use \${${name}:-default} (got op "${u.op}")`);
      } else if (u.arg !== envExample.get(name)) {
        mismatch.push(`${name}: default "${u.arg}" in docker-compose.yml, "${envExample.get(name)}" in deploy/.env.example`);
      }
    }
  }
  check('each default in docker-compose.yml equals the value in deploy/.env.example', mismatch);
  const unused = [...envExample.keys()].filter((n) => !uses.has(n) && !USED_BY_COMPOSE_ITSELF.has(n));
  check('every setting in deploy/.env.example is used by docker-compose.yml', unused.map((n) => `${n} is not used`));
}

// ------------------------------------------------------------------------------------------
// 5. every setting the service reads reaches the api container

{
  const names = new Set();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.c')) {
        const src = fs.readFileSync(p, 'utf8');
        for (const m of src.matchAll(/\b(?:getenv|env_long|env_str)\s*\([^;]*?"([A-Z][A-Z0-9_]+)"/g)) names.add(m[1]);
      }
    }
  };
  walk(path.join(ROOT, 'service', 'src'));
  const env = services.api?.environment || {};
  const problems = [];
  for (const n of [...names].sort()) {
    if (n in NOT_FOR_THE_CONTAINER) continue;
    if (n in env) continue;
    if (VIA_FILE[n] && VIA_FILE[n] in env) continue;
    problems.push(`the service reads ${n}, but the api container does not get it (add it to docker-compose.yml and deploy/.env.example, or to NOT_FOR_THE_CONTAINER here with a reason)`);
  }
  if (names.size < 10) problems.push(`found only ${names.size} settings in service/src: the scan is broken`);
  check(`every setting the service reads (${names.size}) reaches the api container`, problems);
}

// ------------------------------------------------------------------------------------------
// 6. the pieces agree

{
  const problems = [];
  const nginx = fs.readFileSync(nginxPath, 'utf8');
  const web = services.web || {};
  const api = services.api || {};
  const vols = web.volumes || [];
  const confMount = vols.find((v) => typeof v === 'string' && v.startsWith('./deploy/nginx/'));
  if (confMount !== './deploy/nginx/idekom.conf:/etc/nginx/conf.d/default.conf:ro') {
    problems.push(`web must mount ./deploy/nginx/idekom.conf read-only as /etc/nginx/conf.d/default.conf (got ${confMount})`);
  }
  const webMount = vols.find((v) => typeof v === 'string' && v.startsWith('./web:'));
  const webTarget = webMount?.split(':')[1];
  const root = /^\s*root\s+(\S+);/m.exec(nginx)?.[1];
  if (!webTarget || webTarget !== root) problems.push(`web/ is mounted at ${webTarget}, nginx's root is ${root}`);
  if (!/:ro$/.test(webMount || '')) problems.push('web/ must be mounted read-only');
  const upstream = /^\s*server\s+([A-Za-z0-9_.-]+):(\d+)\s+resolve\b/m.exec(nginx);
  if (!upstream) problems.push('nginx: no `server NAME:PORT resolve ...;` line in the upstream');
  else {
    if (!(upstream[1] in services)) problems.push(`nginx's upstream ${upstream[1]} is not a service`);
    if (String(api.environment?.PORT) !== upstream[2]) problems.push(`nginx's upstream port ${upstream[2]} is not api's PORT ${api.environment?.PORT}`);
    if (!(api.expose || []).map(String).includes(upstream[2])) problems.push(`api does not expose ${upstream[2]}`);
  }
  if (!/^\s*resolver\s+127\.0\.0\.11\b/m.exec(nginx)) problems.push("nginx must resolve through Docker's DNS (resolver 127.0.0.11)");
  if (!/^\s*listen\s+80;/m.test(nginx)) problems.push('nginx must listen on 80 (the published container port)');
  // nginx refuses bodies at the service's limit, so a body the service would refuse never
  // travels upstream (the service closes such a connection early; nginx would call that 502)
  const cmbs = /^\s*client_max_body_size\s+(\d+)([kKmM]?);/m.exec(nginx);
  const cmbsBytes = cmbs ? Number(cmbs[1]) * ({ k: 1024, m: 1048576 }[cmbs[2].toLowerCase()] || 1) : NaN;
  if (String(cmbsBytes) !== envExample.get('MAX_BODY_BYTES')) problems.push(`nginx client_max_body_size is ${cmbsBytes} bytes, MAX_BODY_BYTES is ${envExample.get('MAX_BODY_BYTES')}`);
  const pub = (web.ports || []).map(String);
  if (!pub.some((p) => p.endsWith(':80'))) problems.push(`web publishes ${pub.join(', ')}, not container port 80`);

  // TRUSTED_PROXIES holds web's fixed address (the same expression)
  const ipExpr = web.networks?.edge?.ipv4_address;
  const tp = String(api.environment?.TRUSTED_PROXIES || '');
  if (!ipExpr) problems.push('web has no fixed ipv4_address on the edge network');
  else if (!tp.split(',').includes(ipExpr)) problems.push(`api TRUSTED_PROXIES "${tp}" does not hold web's address ${ipExpr}`);
  // api and web share the edge network; db is only on the internal one
  const nets = (s) => (Array.isArray(s.networks) ? s.networks : Object.keys(s.networks || {}));
  if (!nets(api).includes('edge') || !nets(web).includes('edge')) problems.push('api and web must share the edge network');
  if (nets(services.db || {}).includes('edge')) problems.push('db must not be on the edge network');
  if (compose.networks?.data?.internal !== true) problems.push('the data network must be internal');

  // addresses: web's inside the subnet, outside the dynamic range
  const r = resolved;
  const ipam = r.networks?.edge?.ipam?.config?.[0] || {};
  const webIp = r.services?.web?.networks?.edge?.ipv4_address;
  const toInt = (ip) => ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  const inCidr = (ip, cidr) => {
    const [base, bits] = cidr.split('/');
    const size = 2 ** (32 - Number(bits));
    const start = Math.floor(toInt(base) / size) * size;
    return toInt(ip) >= start && toInt(ip) < start + size;
  };
  const isIp = (s) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s || '');
  if (!isIp(webIp) || !ipam.subnet || !ipam.ip_range) problems.push(`edge: subnet ${ipam.subnet}, ip_range ${ipam.ip_range}, web ${webIp}`);
  else {
    if (!inCidr(webIp, ipam.subnet)) problems.push(`WEB_IPV4 ${webIp} is outside EDGE_SUBNET ${ipam.subnet}`);
    if (inCidr(webIp, ipam.ip_range)) problems.push(`WEB_IPV4 ${webIp} is inside EDGE_IP_RANGE ${ipam.ip_range}: Docker may give it to another container`);
    if (!inCidr(ipam.ip_range.split('/')[0], ipam.subnet)) problems.push(`EDGE_IP_RANGE ${ipam.ip_range} is outside EDGE_SUBNET ${ipam.subnet}`);
    const lastOctet = Number(webIp.split('.')[3]);
    if (lastOctet === 0 || lastOctet === 1 || lastOctet === 255) problems.push(`WEB_IPV4 ${webIp} is a network, gateway or broadcast address`);
  }

  // *_FILE settings point at secrets the service mounts
  for (const [name, svc] of Object.entries(services)) {
    const mounted = new Set((svc.secrets || []).map((s) => (typeof s === 'string' ? s : s.source)));
    for (const [k, v] of Object.entries(svc.environment || {})) {
      if (!k.endsWith('_FILE')) continue;
      const m = /^\/run\/secrets\/([A-Za-z0-9_.-]+)$/.exec(String(v));
      if (!m) problems.push(`${name}: ${k}=${v} is not a /run/secrets/ path`);
      else if (!mounted.has(m[1])) problems.push(`${name}: ${k} names secret ${m[1]}, which ${name} does not mount`);
      else if (!compose.secrets?.[m[1]]) problems.push(`secret ${m[1]} is not declared`);
    }
  }
  // bind mounts of files in the project exist
  for (const [name, svc] of Object.entries(services)) {
    for (const v of svc.volumes || []) {
      if (typeof v !== 'string' || !v.startsWith('./')) continue;
      const src = v.split(':')[0];
      if (!fs.existsSync(path.join(ROOT, src))) problems.push(`${name} mounts ${src}, which does not exist`);
    }
  }
  if (services.api?.build?.dockerfile && !fs.existsSync(path.join(ROOT, services.api.build.context || '.', services.api.build.dockerfile))) {
    problems.push(`api's Dockerfile ${services.api.build.dockerfile} does not exist`);
  }
  // images: explicit tags; PostgreSQL 15; nginx new enough for `resolve`
  for (const [name, svc] of Object.entries(services)) {
    if (!svc.image) continue;
    const m = /^([a-z0-9./_-]+):([A-Za-z0-9._-]+)$/.exec(svc.image);
    if (!m || ['latest', 'stable', 'mainline'].includes(m[2])) problems.push(`${name}: image ${svc.image} has no explicit version tag`);
  }
  for (const s of ['db', 'backup']) {
    if (!/^postgres:15[.-]/.test(services[s]?.image || '')) problems.push(`${s} must use postgres:15 (got ${services[s]?.image})`);
  }
  const nv = /^nginx:(\d+)\.(\d+)(?:\.(\d+))?/.exec(web.image || '');
  const ver = nv ? [Number(nv[1]), Number(nv[2]), Number(nv[3] || 0)] : null;
  const atLeast = (a, b) => a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] >= b[2];
  if (!ver || !atLeast(ver, [1, 27, 3])) problems.push(`web: ${web.image}: upstream \`resolve\` needs nginx >= 1.27.3`);
  check('the files agree: nginx upstream = api:PORT, body limit = MAX_BODY_BYTES, web/ mount = nginx root, TRUSTED_PROXIES = web address, networks, secrets, mounts, image tags', problems);
}

// ------------------------------------------------------------------------------------------
// 7. the README's operator section documents every setting

{
  const readme = fs.readFileSync(readmePath, 'utf8');
  const title = '## Operating Idékom with Docker Compose';
  const at = readme.indexOf(`\n${title}\n`);
  const problems = [];
  if (at < 0) problems.push(`README.md has no section "${title}"`);
  else {
    const rest = readme.slice(at + title.length + 2);
    const next = rest.search(/\n## /);
    const section = next < 0 ? rest : rest.slice(0, next);
    const rows = section.split('\n').filter((l) => l.startsWith('|'));
    for (const name of envExample.keys()) {
      if (!rows.some((r) => r.includes(`\`${name}\``))) problems.push(`no table row for \`${name}\``);
    }
    for (const word of ['docker compose exec api idekom user add', '--scale api=', 'deploy/restore.sh', 'deploy/backup.sh', 'TLS']) {
      if (!section.includes(word)) problems.push(`the section does not mention ${word}`);
    }
  }
  check("README's operator section has a row for every setting of deploy/.env.example", problems);
}

process.exit(failures ? 1 : 0);

// check-dockerfile.mjs -- the documented check list for deploy/Dockerfile (hadolint is not
// packaged for Debian bookworm nor on npm; dockerfile-utils, run by tests/deploy/run.sh,
// checks the syntax). There is no Docker engine here, so this reads the file, and runs
// deploy/install-deps.sh with stand-ins for dpkg-query and apt-get to see exactly which
// packages each stage would install.
//
// Usage: node tests/deploy/check-dockerfile.mjs SCRATCH_DIR [BINARY]
//   SCRATCH_DIR  where to write healthcheck.json (the HEALTHCHECK command, which run.sh then
//                executes against a live process) and build-run.sh (the build stage's RUN
//                commands, for run.sh's build of the filtered context)
//   BINARY       a built idekom: every library it links must come from the runtime set
// Environment: DEPLOY_INSTALL_DEPS (default deploy/install-deps.sh) to try a changed script.
//
// The check list (one "ok:"/"FAILED:" line each):
//  D1  multi-stage: a `build` stage and a final stage that copies only the binary from it
//  D2  every FROM is debian:bookworm-slim (or debian:bookworm, a dated bookworm tag, or a
//      digest), the same base in every stage (the binary's libraries match), never latest
//  D3  packages come only from deploy/install-deps.sh (no apt-get/apt/dpkg -i of its own),
//      the build stage with set `build`, the final stage with a set the script accepts
//  D4  every RUN that installs packages removes /var/lib/apt/lists/* in the same RUN
//  D5  the `build` set holds what the build needs: cmake, pkg-config, a C compiler, python3
//      and python3-yaml (tools/embed.py), and the -dev package of every library CMakeLists.txt
//      looks for (found from the files pkg-config and the headers point at)
//  D6  the final set is slim: no -dev packages, no compiler, no PostgreSQL server; and it
//      holds the package of every library the built binary links (BINARY, via readelf and
//      dpkg -S), libc6 aside, and ca-certificates when it links libcurl
//  D7  a non-root numeric USER in the final stage, after the last RUN
//  D8  HEALTHCHECK (exec form) requests /readyz, with --interval, --timeout, --start-period
//  D9  ENTRYPOINT ["idekom"] (exec form), CMD ["serve"]; the entrypoint script is installed as
//      /usr/local/bin/idekom and the binary where the script looks for it
//  D10 no ADD, no URL fetched in a RUN (curl/wget), no sudo, no secrets in ENV/ARG
//  D11 every COPY source exists and is inside the build context allowed by
//      deploy/Dockerfile.dockerignore; .env, secrets, backups, .run, build folders and
//      node_modules are not
//  D12 the build stage runs the README's cmake commands with -DIDEKOM_TESTS=OFF
//  D13 ENV BIND_ADDRESS=0.0.0.0, EXPOSE = the PORT it sets, STOPSIGNAL SIGTERM
//  D14 OCI labels in the final stage (title, version, revision, licenses); the version is the
//      default of ARG IDEKOM_VERSION and equals CMakeLists.txt's project() version and the
//      newest release in CHANGELOG.md; the commit reaches cmake (-DIDEKOM_COMMIT) and the
//      revision label from ARG IDEKOM_COMMIT; the licence is the one in LICENSE

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const scratch = process.argv[2];
const binary = process.argv[3];
if (!scratch) {
  console.error('usage: check-dockerfile.mjs SCRATCH_DIR [BINARY]');
  process.exit(2);
}
fs.mkdirSync(scratch, { recursive: true });
const dockerfilePath = path.join(ROOT, 'deploy', 'Dockerfile');
const ignorePath = path.join(ROOT, 'deploy', 'Dockerfile.dockerignore');
const installDeps = process.env.DEPLOY_INSTALL_DEPS || path.join(ROOT, 'deploy', 'install-deps.sh');
const entrypointPath = path.join(ROOT, 'deploy', 'docker-entrypoint.sh');

let failures = 0;
function check(id, msg, problems) {
  if (problems.length === 0) console.log(`ok: ${id} ${msg}`);
  else {
    failures++;
    console.log(`FAILED: ${id} ${msg}`);
    console.log(problems.join('\n').replace(/^/gm, '    '));
  }
}

// ------------------------------------------------------------------------------------------
// parse: instructions with continuation lines joined, comments dropped, stages numbered

function parseDockerfile(text) {
  const out = [];
  let buf = '';
  let startLine = 0;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!buf && /^\s*(#.*)?$/.test(line)) return;
    if (buf && /^\s*#/.test(line)) return; // comment inside a continuation
    if (!buf) startLine = i + 1;
    if (/\\\s*$/.test(line)) {
      buf += line.replace(/\\\s*$/, ' ');
      return;
    }
    buf += line;
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(buf);
    if (m) out.push({ op: m[1].toUpperCase(), args: m[2].trim(), line: startLine });
    buf = '';
  });
  let stage = -1;
  const stages = [];
  for (const ins of out) {
    if (ins.op === 'FROM') {
      stage++;
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      stages.push({ image: m?.[1], name: m?.[2] || String(stage), ins: [] });
    }
    ins.stage = stage;
    if (stage >= 0) stages[stage].ins.push(ins);
  }
  return { ins: out, stages };
}

function flags(args) {
  const f = {};
  let rest = args;
  for (;;) {
    const m = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(rest);
    if (!m) break;
    f[m[1]] = m[2] ?? true;
    rest = rest.slice(m[0].length);
  }
  return { f, rest };
}

function execForm(s) {
  try {
    const v = JSON.parse(s);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null;
  } catch {
    return null;
  }
}

const { ins, stages } = parseDockerfile(fs.readFileSync(dockerfilePath, 'utf8'));
const final = stages[stages.length - 1];
const buildStage = stages.find((s) => s.name === 'build');
const finalOf = (op) => final.ins.filter((i) => i.op === op);
const lastOf = (op) => finalOf(op).at(-1);

// ------------------------------------------------------------------------------------------
// packages per set, from the real install script with stand-in dpkg-query and apt-get

function packagesOf(set) {
  const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'idekom-deps-'));
  const log = path.join(fake, 'installed');
  fs.writeFileSync(path.join(fake, 'dpkg-query'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  fs.writeFileSync(path.join(fake, 'id'), '#!/bin/sh\necho 0\n', { mode: 0o755 });
  fs.writeFileSync(
    path.join(fake, 'apt-get'),
    `#!/bin/sh\n[ "$1" = install ] || exit 0\nshift\nfor a in "$@"; do case "$a" in -*) ;; *) echo "$a" >>'${log}' ;; esac; done\n`,
    { mode: 0o755 },
  );
  try {
    execFileSync('bash', [installDeps, set], {
      env: { ...process.env, PATH: `${fake}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  } catch (e) {
    return { error: `deploy/install-deps.sh ${set}: exit ${e.status}: ${String(e.stderr).trim()}` };
  } finally {
    fs.rmSync(fake, { recursive: true, force: true });
  }
}

function installSetsOf(stage) {
  const sets = [];
  for (const i of stage?.ins || []) {
    if (i.op !== 'RUN') continue;
    for (const m of i.args.matchAll(/install-deps\.sh\s+([a-z]+)/g)) sets.push(m[1]);
  }
  return sets;
}

function dpkgOwner(file) {
  try {
    const real = fs.realpathSync(file);
    for (const candidate of [real, real.replace(/^\/usr\/lib\//, '/lib/'), file]) {
      try {
        const out = execFileSync('dpkg', ['-S', candidate], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
        return out.split(':')[0].trim();
      } catch {
        /* next candidate */
      }
    }
  } catch {
    /* not found */
  }
  return null;
}

// ------------------------------------------------------------------------------------------
// D1 .. D13

{
  const p = [];
  if (stages.length < 2) p.push(`${stages.length} stage(s)`);
  if (!buildStage) p.push('no stage named `build`');
  const fromBuild = final.ins.filter((i) => i.op === 'COPY' && /--from=build\b/.test(i.args));
  if (fromBuild.length !== 1) p.push(`the final stage copies ${fromBuild.length} things from build (want the binary only)`);
  if (final.ins.some((i) => i.op === 'COPY' && /^\.\s/.test(flags(i.args).rest))) p.push('the final stage copies the whole context');
  check('D1', 'multi-stage: build stage, final stage takes only the binary from it', p);
}
{
  const p = [];
  const ok = /^debian:bookworm(?:-\d{8})?(?:-slim)?(?:@sha256:[0-9a-f]{64})?$/;
  for (const s of stages) if (!ok.test(s.image || '')) p.push(`FROM ${s.image}: want debian:bookworm(-slim), a dated bookworm tag, or a digest`);
  if (new Set(stages.map((s) => s.image)).size !== 1) p.push(`stages use different bases: ${stages.map((s) => s.image).join(', ')}`);
  if (!/-slim/.test(final.image || '')) p.push('the final stage should be slim');
  check('D2', `FROM ${[...new Set(stages.map((s) => s.image))].join(', ')}: Debian bookworm, one base`, p);
}
let buildPkgs = [];
let finalPkgs = [];
{
  const p = [];
  for (const i of ins.filter((x) => x.op === 'RUN')) {
    const own = i.args.replace(/rm -rf \/var\/lib\/apt\/lists\/\*/g, '');
    if (/\bapt(-get)?\s|\bdpkg\s+-i\b|\baptitude\b/.test(own)) p.push(`line ${i.line}: installs packages itself (use deploy/install-deps.sh)`);
  }
  const bs = installSetsOf(buildStage);
  const fs_ = installSetsOf(final);
  if (bs.join() !== 'build') p.push(`the build stage installs sets [${bs}] (want: build)`);
  if (fs_.length !== 1) p.push(`the final stage installs sets [${fs_}] (want one)`);
  const copiesScript = (s) => s?.ins.some((i) => i.op === 'COPY' && /deploy\/install-deps\.sh/.test(i.args));
  if (!copiesScript(buildStage) || !copiesScript(final)) p.push('each stage must COPY deploy/install-deps.sh');
  const b = packagesOf('build');
  const f = fs_[0] ? packagesOf(fs_[0]) : { error: 'no set' };
  if (b.error) p.push(b.error);
  else buildPkgs = b;
  if (f.error) p.push(f.error);
  else finalPkgs = f;
  check('D3', `packages only through deploy/install-deps.sh (build: build, final: ${fs_.join() || '?'})`, p);
}
{
  const p = [];
  for (const i of ins.filter((x) => x.op === 'RUN' && /install-deps\.sh/.test(x.args))) {
    if (!/rm -rf \/var\/lib\/apt\/lists\/\*/.test(i.args)) p.push(`line ${i.line}: no rm -rf /var/lib/apt/lists/* in the same RUN`);
  }
  check('D4', 'apt lists removed in the same layer that installs', p);
}
{
  const p = [];
  const need = new Map([
    ['cmake', 'CMakeLists.txt'],
    ['pkg-config', 'pkg_check_modules'],
    ['python3', 'find_program(PYTHON3)'],
    ['python3-yaml', 'tools/embed.py imports yaml'],
  ]);
  // what the image build configures: without the unit tests' block (-DIDEKOM_TESTS=OFF)
  const cm = fs.readFileSync(path.join(ROOT, 'CMakeLists.txt'), 'utf8')
    .replace(/^if\(IDEKOM_TESTS\)[\s\S]*?^endif\(\)/gm, '');
  // the -dev package behind each pkg-config module, and behind the headers found directly
  const modules = [...cm.matchAll(/pkg_check_modules\(\s*\w+\s+REQUIRED\s+IMPORTED_TARGET\s+([\w.+-]+)\s*\)/g)].map((m) => m[1]);
  for (const mod of modules) {
    let owner = null;
    try {
      const dir = execFileSync('pkg-config', ['--variable=pcfiledir', mod]).toString().trim();
      owner = dpkgOwner(path.join(dir, `${mod}.pc`));
    } catch {
      /* reported below */
    }
    if (owner) need.set(owner, `pkg-config ${mod}`);
    else p.push(`cannot find the package of pkg-config module ${mod} on this machine`);
  }
  for (const m of cm.matchAll(/find_path\(\s*\w+\s+NAMES\s+([\w.]+)/g)) {
    const owner = dpkgOwner(`/usr/include/${m[1]}`);
    if (owner) need.set(owner, `header ${m[1]}`);
    else p.push(`cannot find the package of header ${m[1]}`);
  }
  const hasCompiler = buildPkgs.includes('build-essential') || buildPkgs.includes('gcc');
  if (!hasCompiler) p.push('no C compiler (build-essential or gcc)');
  for (const [pkg, why] of need) if (!buildPkgs.includes(pkg)) p.push(`the build set lacks ${pkg} (${why})`);
  check('D5', `the build set has what the build needs (${need.size} packages derived from CMakeLists.txt)`, p);
}
{
  const p = [];
  for (const pkg of finalPkgs) {
    if (/-dev$|^build-essential$|^gcc|^cmake$|^postgresql-\d+$|^postgresql$/.test(pkg)) p.push(`the final set carries ${pkg}`);
  }
  if (!finalPkgs.length) p.push('the final set is empty or unknown');
  if (binary) {
    let needed = [];
    try {
      needed = execFileSync('readelf', ['-d', binary]).toString().split('\n')
        .map((l) => /\(NEEDED\)\s+Shared library: \[(.+)\]/.exec(l)?.[1]).filter(Boolean);
    } catch (e) {
      p.push(`readelf ${binary}: ${e.message}`);
    }
    const ldd = execFileSync('ldd', [binary]).toString();
    for (const lib of needed) {
      const where = new RegExp(`^\\s*${lib.replace(/[.+]/g, '\\$&')} => (\\S+)`, 'm').exec(ldd)?.[1];
      const owner = where ? dpkgOwner(where) : null;
      if (!owner) p.push(`${lib}: no package found`);
      else if (owner !== 'libc6' && !finalPkgs.includes(owner)) p.push(`the binary links ${lib} from ${owner}, which the final set lacks`);
    }
    if (!needed.length) p.push(`no NEEDED libraries read from ${binary}`);
    // HTTPS webhooks: libcurl verifies certificates against Debian's CA bundle
    if (needed.some((l) => l.startsWith('libcurl')) && !finalPkgs.includes('ca-certificates')) {
      p.push('the binary links libcurl (HTTPS webhooks), but the final set lacks ca-certificates');
    }
  } else {
    p.push('no BINARY given: cannot check the libraries it links');
  }
  check('D6', `the final set is slim and provides every library the binary links (${finalPkgs.join(' ')})`, p);
}
{
  const p = [];
  const user = lastOf('USER');
  const lastRun = finalOf('RUN').at(-1);
  if (!user) p.push('no USER in the final stage');
  else {
    const [u, g] = user.args.split(':');
    if (!/^\d+$/.test(u) || Number(u) === 0) p.push(`USER ${user.args}: want a numeric non-zero uid`);
    if (g !== undefined && (!/^\d+$/.test(g) || Number(g) === 0)) p.push(`USER ${user.args}: want a numeric non-zero gid`);
    if (lastRun && lastRun.line > user.line) p.push('a RUN after USER runs as the user; keep USER after the last RUN');
  }
  check('D7', `non-root USER ${user?.args}`, p);
}
{
  const p = [];
  const hc = lastOf('HEALTHCHECK');
  let cmd = null;
  if (!hc) p.push('no HEALTHCHECK');
  else {
    const { f, rest } = flags(hc.args);
    for (const k of ['interval', 'timeout', 'start-period']) if (!f[k]) p.push(`HEALTHCHECK without --${k}`);
    const m = /^CMD\s+([\s\S]+)$/.exec(rest);
    cmd = m && execForm(m[1]);
    if (!cmd) p.push('HEALTHCHECK CMD is not in exec form (a JSON array)');
    else if (!cmd.join(' ').includes('/readyz')) p.push('HEALTHCHECK does not request /readyz');
    if (cmd) fs.writeFileSync(path.join(scratch, 'healthcheck.json'), JSON.stringify(cmd));
  }
  check('D8', 'HEALTHCHECK on /readyz (exec form; run.sh runs it against a live process)', p);
}
{
  const p = [];
  const ep = lastOf('ENTRYPOINT');
  const cmd = lastOf('CMD');
  if (JSON.stringify(execForm(ep?.args || '')) !== '["idekom"]') p.push(`ENTRYPOINT ${ep?.args}: want ["idekom"]`);
  if (JSON.stringify(execForm(cmd?.args || '')) !== '["serve"]') p.push(`CMD ${cmd?.args}: want ["serve"]`);
  const copies = finalOf('COPY').map((i) => flags(i.args).rest.split(/\s+/));
  const epCopy = copies.find((c) => c[0] === 'deploy/docker-entrypoint.sh');
  if (!epCopy || epCopy[1] !== '/usr/local/bin/idekom') p.push('deploy/docker-entrypoint.sh must be installed as /usr/local/bin/idekom');
  const script = fs.readFileSync(entrypointPath, 'utf8');
  const real = /^real=\$\{IDEKOM_REAL_BIN:-([^}]+)\}/m.exec(script)?.[1];
  const binCopy = finalOf('COPY').find((i) => /--from=build\b/.test(i.args));
  const binDest = binCopy && flags(binCopy.args).rest.split(/\s+/)[1];
  if (!real || real !== binDest) p.push(`the binary is copied to ${binDest}, the entrypoint runs ${real}`);
  const modeOk = (i) => /--chmod=0?755\b/.test(i.args);
  const epIns = finalOf('COPY').find((i) => /deploy\/docker-entrypoint\.sh/.test(i.args));
  if (epIns && !modeOk(epIns) && !(fs.statSync(entrypointPath).mode & 0o111)) p.push('the entrypoint script is not executable');
  check('D9', 'ENTRYPOINT ["idekom"], CMD ["serve"], entrypoint script and binary where each expects the other', p);
}
{
  const p = [];
  for (const i of ins) {
    if (i.op === 'ADD') p.push(`line ${i.line}: ADD (use COPY; never fetch URLs in a build)`);
    if (i.op === 'RUN' && /\b(curl|wget)\b[^|;&]*https?:\/\//.test(i.args)) p.push(`line ${i.line}: fetches a URL`);
    if (i.op === 'RUN' && /\bsudo\b/.test(i.args)) p.push(`line ${i.line}: sudo`);
    if ((i.op === 'ENV' || i.op === 'ARG') && /(SECRET|PASSWORD|TOKEN|_KEYS?)\b\s*=?\s*\S/i.test(i.args)) p.push(`line ${i.line}: ${i.op} carries a secret-like setting`);
  }
  check('D10', 'no ADD, no downloads, no sudo, no secrets baked in', p);
}

// --- D11: the build context (deploy/Dockerfile.dockerignore, Docker's matching rules) ---
function ignoreRules(text) {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => {
    const neg = l.startsWith('!');
    let pat = (neg ? l.slice(1) : l).trim().replace(/^\/+/, '');
    pat = path.posix.normalize(pat).replace(/\/+$/, '');
    let re = '';
    for (let i = 0; i < pat.length; i++) {
      const c = pat[i];
      if (c === '*' && pat[i + 1] === '*') {
        re += '.*';
        i++;
        if (pat[i + 1] === '/') i++;
      } else if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return { neg, pat, re: new RegExp(`^${re}$`) };
  });
}
function excluded(rules, rel) {
  // a path is matched by a pattern when the pattern matches it or one of its parents
  const parents = rel.split('/').map((_, i, a) => a.slice(0, i + 1).join('/'));
  let ex = false;
  for (const r of rules) if (parents.some((p) => r.re.test(p))) ex = !r.neg;
  return ex;
}
export function contextFiles(rules, dir = ROOT, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.name === '.git') continue;
    if (e.isDirectory()) {
      // descend into an excluded folder only when an exception could match inside it
      if (excluded(rules, r) && !rules.some((x) => x.neg && (x.pat === r || x.pat.startsWith(`${r}/`) || x.pat.startsWith('**')))) continue;
      out.push(...contextFiles(rules, path.join(dir, e.name), r));
    } else if (!excluded(rules, r)) out.push(r);
  }
  return out;
}
{
  const p = [];
  if (!fs.existsSync(ignorePath)) p.push('deploy/Dockerfile.dockerignore is missing: the whole folder would be the context');
  else {
    const rules = ignoreRules(fs.readFileSync(ignorePath, 'utf8'));
    for (const i of ins.filter((x) => x.op === 'COPY' && !/--from=/.test(x.args))) {
      const parts = flags(i.args).rest.split(/\s+/);
      for (const src of parts.slice(0, -1)) {
        const clean = src.replace(/\/+$/, '');
        const abs = path.join(ROOT, clean);
        if (!fs.existsSync(abs)) p.push(`line ${i.line}: COPY ${src}: not in the project`);
        else if (excluded(rules, clean) && !(fs.statSync(abs).isDirectory() && !excluded(rules, `${clean}/x`))) p.push(`line ${i.line}: COPY ${src}: excluded by the .dockerignore`);
      }
    }
    for (const secret of ['.env', 'secrets/jwt_secret', 'backups/idekom-x.dump', '.run/pg/PG_VERSION', 'build/idekom', 'node_modules/x/index.js', 'deploy/.env.example', '.git/config']) {
      if (!excluded(rules, secret)) p.push(`${secret} would be sent to the builder`);
    }
    const files = contextFiles(rules);
    fs.writeFileSync(path.join(scratch, 'context-files.txt'), `${files.join('\n')}\n`);
  }
  check('D11', 'COPY sources exist inside the allowed context; secrets and local state are outside it', p);
}
{
  const p = [];
  const runs = (buildStage?.ins || []).filter((i) => i.op === 'RUN').map((i) => i.args);
  const cmake = runs.find((r) => /\bcmake\s+-S\b/.test(r));
  if (!cmake) p.push('the build stage runs no `cmake -S`');
  else {
    if (!/-DIDEKOM_TESTS=OFF/.test(cmake)) p.push('cmake without -DIDEKOM_TESTS=OFF (the image needs no Criterion)');
    if (!/cmake\s+-S\s+\.\s+-B\s+build\b/.test(cmake) || !/cmake\s+--build\s+build\b/.test(cmake)) p.push('not the README commands: cmake -S . -B build ... && cmake --build build');
    const workdir = buildStage.ins.filter((i) => i.op === 'WORKDIR').at(-1)?.args || '/';
    // the RUN, with the stage's WORKDIR as a variable, for run.sh to run in a copy of the context
    const portable = cmake.split(workdir.replace(/\/+$/, '') + '/').join('"$WORKDIR"/');
    fs.writeFileSync(path.join(scratch, 'build-run.sh'), `# the build stage's RUN (${workdir} -> $WORKDIR)\nset -euo pipefail\ncd "$WORKDIR"\n${portable}\n`);
  }
  check('D12', "the build stage runs the README's cmake commands, without unit tests", p);
}
{
  const p = [];
  const env = finalOf('ENV').map((i) => i.args).join(' ');
  if (!/\bBIND_ADDRESS=0\.0\.0\.0\b/.test(env)) p.push('no ENV BIND_ADDRESS=0.0.0.0 (the service would listen on 127.0.0.1 only)');
  const port = /\bPORT=(\d+)\b/.exec(env)?.[1];
  const expose = finalOf('EXPOSE').map((i) => i.args.split(/\s+/)).flat();
  if (!port || !expose.includes(port)) p.push(`EXPOSE ${expose.join(' ')} does not match PORT=${port}`);
  if (lastOf('STOPSIGNAL')?.args !== 'SIGTERM') p.push('STOPSIGNAL SIGTERM (the service drains on SIGTERM)');
  check('D13', 'listens on every interface at the exposed port; stops with SIGTERM', p);
}

{
  const p = [];
  const labels = finalOf('LABEL').map((i) => i.args).join(' ');
  for (const key of ['title', 'version', 'revision', 'licenses']) {
    if (!labels.includes(`org.opencontainers.image.${key}=`)) p.push(`no LABEL org.opencontainers.image.${key}`);
  }
  if (!/org\.opencontainers\.image\.version="\$\{IDEKOM_VERSION\}"/.test(labels)) p.push('the version label is not ${IDEKOM_VERSION}');
  if (!/org\.opencontainers\.image\.revision="\$\{IDEKOM_COMMIT\}"/.test(labels)) p.push('the revision label is not ${IDEKOM_COMMIT}');
  if (!/org\.opencontainers\.image\.licenses="EUPL-1\.2"/.test(labels)) p.push('the licenses label is not EUPL-1.2');
  if (!/^\s*EUROPEAN UNION PUBLIC LICENCE v\. 1\.2/.test(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'))) p.push('LICENSE is not the EUPL-1.2');
  const argVersion = /^IDEKOM_VERSION=(\S+)$/.exec(finalOf('ARG').map((i) => i.args).find((a) => a.startsWith('IDEKOM_VERSION=')) || '')?.[1];
  const cmakeVersion = /project\(\s*idekom\s+VERSION\s+([\d.]+)/.exec(fs.readFileSync(path.join(ROOT, 'CMakeLists.txt'), 'utf8'))?.[1];
  const changelogVersion = /^## \[?(\d+\.\d+\.\d+)\]?/m.exec(fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8'))?.[1];
  if (!argVersion || argVersion !== cmakeVersion || cmakeVersion !== changelogVersion) {
    p.push(`versions differ: ARG IDEKOM_VERSION ${argVersion}, CMakeLists.txt ${cmakeVersion}, CHANGELOG.md ${changelogVersion}`);
  }
  const cmake = (buildStage?.ins || []).filter((i) => i.op === 'RUN').map((i) => i.args).find((r) => /\bcmake\s+-S\b/.test(r)) || '';
  if (!/-DIDEKOM_COMMIT="\$\{IDEKOM_COMMIT/.test(cmake)) p.push('the build stage does not pass -DIDEKOM_COMMIT="${IDEKOM_COMMIT...}" to cmake');
  if (!(buildStage?.ins || []).some((i) => i.op === 'ARG' && /^IDEKOM_COMMIT\b/.test(i.args))) p.push('no ARG IDEKOM_COMMIT in the build stage');
  check('D14', `OCI labels; version ${argVersion} = CMakeLists.txt = CHANGELOG.md; the commit reaches the binary and the labels`, p);
}

process.exit(failures ? 1 : 0);

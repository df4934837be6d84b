// `nginx -t` on the repo's dashboard config, rendered the same way the e2e
// test renders it (temp prefix, free port, a dummy upstream).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderNginxConf, freePort, ROOT } from './harness.mjs';

const dir = mkdtempSync(join(tmpdir(), 'dash-nginx-'));
try {
  const conf = renderNginxConf(dir, { listen: `127.0.0.1:${await freePort()}`, root: join(ROOT, 'dashboard-ui/dist'), upstream: 'http://127.0.0.1:9' });
  const r = spawnSync('/usr/sbin/nginx', ['-t', '-p', dir, '-c', conf], { encoding: 'utf8' });
  process.stdout.write(r.stderr);
  process.exitCode = r.status;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

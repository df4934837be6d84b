// Runs a project command (a build or a component's own bench) from the repo root,
// streaming its output to the log with a prefix and keeping it for parsing.
import { spawn } from 'node:child_process';

export function runCommand(cmd, args, { cwd, log = console.log, prefix = '' } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let pending = '';
    const take = (d) => {
      out += d;
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const l of lines) if (l.trim()) log(`${prefix}${l}`);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending.trim()) log(`${prefix}${pending}`);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${out.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

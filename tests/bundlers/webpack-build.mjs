// Runs the webpack build (webpack.config.mjs) through webpack's Node API (no webpack-cli) and
// prints its warnings (the size limits among them) and the emitted assets.
import webpack from 'webpack';
import config from './webpack.config.mjs';

const stats = await new Promise((resolve, reject) => webpack(config, (err, s) => (err ? reject(err) : resolve(s))));
const info = stats.toJson({ all: false, errors: true, warnings: true });
for (const a of stats.compilation.getAssets()) console.log(`  asset ${a.name}: ${a.source.size()} B`);
for (const w of info.warnings) console.log(`  WARNING ${w.message.trim().split('\n').join('\n    ')}`);
if (stats.hasErrors()) {
  for (const e of info.errors) console.error(e.message);
  process.exit(1);
}

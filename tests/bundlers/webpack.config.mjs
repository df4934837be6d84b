// webpack 5 build of the example app (examples/web/frontend/src/main.tsx) as its guide sets
// up a React + TypeScript app; otel-wasm needs nothing of its own: webpack follows
// `new URL('./wasm/sdk_wasm_bg.wasm', import.meta.url)` and emits the .wasm as an asset.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export default {
  mode: 'production',
  context: path.resolve(here, '../../examples/web/frontend'),
  entry: './src/main.tsx',
  output: { path: path.join(here, 'out/webpack'), filename: 'main.js', publicPath: '/', clean: true },
  resolve: { extensions: ['.tsx', '.ts', '.js'] },
  module: {
    rules: [{ test: /\.tsx?$/, loader: require.resolve('esbuild-loader'), options: { target: 'es2022', jsx: 'automatic' } }],
  },
};

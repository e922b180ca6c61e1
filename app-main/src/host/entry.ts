/** Entry of `out/host/host.mjs` (scripts/build.d/20-main.mjs). */
import { main } from './cli';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`tikscope web: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);

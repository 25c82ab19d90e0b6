// `graft serve`: the studio's UI in a browser, served on loopback with a one-time token.
import { defaultModelPath } from '../node/resources.js';
import { runServe } from '../server/serve-main.js';
import { parse, UsageError } from './args.js';

const USAGE = 'usage: graft serve [MODEL] [--port P] [--root DIR]... [--workspace DIR]';

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { port: { type: 'string', default: '0' }, root: { type: 'string', multiple: true, default: [] }, workspace: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(USAGE);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number\n${USAGE}`);
  const model = positionals[0] ?? defaultModelPath;
  const server = await runServe({ model, port, roots: values.root as string[], ...(values.workspace ? { workspace: values.workspace as string } : {}) });
  console.log(`Graft is serving ${model}`);
  console.log(`Open ${server.url}`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {});
}

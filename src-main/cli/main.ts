// `graft <command>`: the studio's command line. Each command lives in its own module.
import { GraftError } from '../core/errors.js';
import { compareCommand } from './compare.js';
import { evalCommand } from './eval.js';
import { gradientsCommand } from './gradients.js';
import { inspectCommand } from './inspect.js';
import { trainCommand } from './train.js';
import { serveCommand } from './serve.js';
import { UsageError } from './args.js';

const USAGE = `usage: graft <command> [options]

commands:
  inspect MODEL [--json] [--no-probe]   block tree, shapes, parameters, head, op counts
  gradients --model M --input X.pb --labels Y.pb --out DIR [--trainable all|head|fine-tune[:N]|BLOCK,...]
                                        loss and parameter gradients of one batch (compiled training graph)
  train --model M --data D [options]   train (feature extraction, fine-tuning, from scratch), evaluate, export
  eval --model M --data D [--json]      accuracy, per-class accuracy, confusion matrix, worst samples
  compare --model M --data D [--json]   feature extraction vs fine-tuning vs from scratch, at 10, 50
                                        and all images per class, with the conclusion in words
  serve [MODEL] [--port P] [--root DIR]...
                                        the studio in your browser (loopback only)
  help                                  this text

Run "graft <command> --help" for a command's options.`;

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  inspect: inspectCommand,
  gradients: gradientsCommand,
  train: trainCommand,
  eval: evalCommand,
  compare: compareCommand,
  serve: serveCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}"\n${USAGE}`);
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // One clear line; a stack only for genuine bugs, and only when asked for.
    const msg = e instanceof Error ? e.message : String(e);
    console.error(`graft: ${msg}`);
    if (!(e instanceof GraftError) && !(e instanceof UsageError) && process.env.GRAFT_DEBUG) console.error(e);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);

// Workers under Electron run as utilityProcess children (DESIGN.md "Processes"): a crash
// there is an 'exit' event the app reports, never a dead window.
import { utilityProcess } from 'electron';
import { type WorkerLauncher, workerExecArgv } from '../node/worker-process.js';

export const utilityLauncher: WorkerLauncher = (entry, options) => {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Graft worker', stdio: 'inherit', execArgv: workerExecArgv(entry, options) });
  return {
    send: (m) => child.postMessage(m),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.once('exit', (code) => l(code, code === 0 ? null : 'exit')),
    kill: () => void child.kill(),
  };
};

// The renderer's only door into the main process: one method that forwards an API call over
// the `graft:invoke` channel. No ipcRenderer, no Node, nothing else reaches the page.
// Built as CommonJS: a sandboxed preload cannot be an ES module.
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiMethod } from '../api/contract.js';
import type { RpcOutcome } from '../api/validate.js';

const bridge = {
  invoke(method: ApiMethod, params: unknown[]): Promise<RpcOutcome> {
    return ipcRenderer.invoke('graft:invoke', method, params) as Promise<RpcOutcome>;
  },
};

contextBridge.exposeInMainWorld('graft', bridge);

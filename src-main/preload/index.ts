// The renderer's only door into the main process: API calls over `graft:invoke`, engine events
// from `graft:event`, and the path of a dropped file. No ipcRenderer, no Node, nothing else
// reaches the page. Built as CommonJS: a sandboxed preload cannot be an ES module.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { ApiMethod, DialogKind, RpcOutcome, StudioEvent } from '../api/contract.js';

const bridge = {
  invoke(method: ApiMethod, params: unknown[]): Promise<RpcOutcome> {
    return ipcRenderer.invoke('graft:invoke', method, params) as Promise<RpcOutcome>;
  },
  onEvent(listener: (e: StudioEvent) => void): () => void {
    // The page gets the event's data only, never the IPC event object (it carries `sender`).
    const wrapped = (_e: IpcRendererEvent, data: StudioEvent) => listener(data);
    ipcRenderer.on('graft:event', wrapped);
    return () => ipcRenderer.removeListener('graft:event', wrapped);
  },
  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
  /** The system's open or save dialog; resolves with the chosen path, or null. */
  choosePath(kind: DialogKind, suggestedName = ''): Promise<string | null> {
    return ipcRenderer.invoke('graft:dialog', kind, suggestedName) as Promise<string | null>;
  },
};

contextBridge.exposeInMainWorld('graft', bridge);

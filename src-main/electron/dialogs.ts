// Native file dialogs for the desktop app: the page asks for a kind of file, the main process
// shows the system dialog and answers with the path the user chose (or null). The page never
// names a path here, so nothing but the user's own choice comes back.
import { BrowserWindow, dialog, ipcMain } from 'electron';
import type { IpcMainInvokeEvent, OpenDialogOptions, SaveDialogOptions } from 'electron';

export const DIALOG_CHANNEL = 'graft:dialog';

import type { DialogKind } from '../api/contract.js';

const ONNX = [{ name: 'ONNX models', extensions: ['onnx'] }];

function options(kind: DialogKind, suggestedName: string): OpenDialogOptions | SaveDialogOptions {
  switch (kind) {
    case 'open-model':
      return { title: 'Open a model', filters: ONNX, properties: ['openFile'] };
    case 'open-dataset-folder':
      return { title: 'Choose a dataset folder (class folders, or IDX files)', properties: ['openDirectory'] };
    case 'open-dataset-file':
      return { title: 'Choose a dataset file', filters: [{ name: 'CSV or IDX', extensions: ['csv', 'gz', 'idx3-ubyte', 'idx1-ubyte'] }, { name: 'All files', extensions: ['*'] }], properties: ['openFile'] };
    case 'save-model':
      return { title: 'Save the trained model', filters: ONNX, defaultPath: suggestedName.replace(/[^\w.-]/g, '_').slice(0, 100) || 'model.onnx' };
  }
}

const KINDS: ReadonlySet<string> = new Set<DialogKind>(['open-model', 'open-dataset-folder', 'open-dataset-file', 'save-model']);

export function serveDialogs(isAppFrame: (event: IpcMainInvokeEvent) => boolean): void {
  ipcMain.handle(DIALOG_CHANNEL, async (event: IpcMainInvokeEvent, kind: unknown, suggestedName: unknown): Promise<string | null> => {
    if (!isAppFrame(event) || typeof kind !== 'string' || !KINDS.has(kind)) return null;
    const win = BrowserWindow.fromWebContents(event.sender);
    const opts = options(kind as DialogKind, typeof suggestedName === 'string' ? suggestedName : '');
    if (kind === 'save-model') {
      const r = win ? await dialog.showSaveDialog(win, opts as SaveDialogOptions) : await dialog.showSaveDialog(opts as SaveDialogOptions);
      return r.canceled || !r.filePath ? null : r.filePath;
    }
    const r = win ? await dialog.showOpenDialog(win, opts as OpenDialogOptions) : await dialog.showOpenDialog(opts as OpenDialogOptions);
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
  });
}

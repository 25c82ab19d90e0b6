#!/usr/bin/env node
// The `graft` command. It runs the TypeScript sources directly through tsx's loader, so a
// fresh `npm ci` is all it needs.
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli/main.ts');

#!/usr/bin/env node
// The `bodega` executable: registers the TypeScript loader, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');

#!/usr/bin/env node
// Run by every package's build before tsc: files from an earlier build (renamed modules,
// old source maps) must never ship in a tarball.
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });

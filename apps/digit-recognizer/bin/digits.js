#!/usr/bin/env node
// Installed launcher: runs the compiled CLI (build with `pnpm build`).
import "../dist/cli.js";

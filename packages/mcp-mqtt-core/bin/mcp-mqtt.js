#!/usr/bin/env node
// A committed entry, so that package managers link the command before the first build.
import '../dist/cli/main.js';

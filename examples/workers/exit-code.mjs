#!/usr/bin/env node
// Exits with the given code without reporting: 1 = crash, 0 = protocol violation, 75 = rate limited.
const code = Number(process.argv[2] ?? 1);
console.log(`worker ${process.pid} exiting ${code} without reporting`);
process.exit(code);

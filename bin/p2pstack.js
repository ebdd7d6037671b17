#!/usr/bin/env node
// Launcher: p2pstack is TypeScript run through tsx (Node 20 cannot run .ts files itself).
import { register } from 'tsx/esm/api'

register()
await import('../src/bin/p2pstack.ts')

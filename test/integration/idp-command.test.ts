/**
 * `p2pstack idp` as a real child process on loopback: it answers OIDC discovery and the JWKS,
 * a password login gives a JWT that jose verifies with the served keys, and the signing key
 * survives a restart on the same --state file. Every child is stopped by its PID.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'

const BIN = join(import.meta.dirname, '../../bin/p2pstack.js')

async function startIdp (args: string[]): Promise<{ child: ChildProcess, url: string }> {
  const child = spawn(process.execPath, [BIN, 'idp', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { out += chunk.toString() })
  for (let i = 0; i < 600 && !/listening on (http:\/\/\S+)/.test(out); i++) {
    if (child.exitCode !== null) throw new Error(`idp exited early: ${out}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1]
  if (url === undefined) {
    stopByPid(child)
    throw new Error(`idp did not start: ${out}`)
  }
  return { child, url }
}

function stopByPid (child: ChildProcess): void {
  if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM')
}

async function stop (child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  const exited = once(child, 'exit')
  stopByPid(child)
  const [code] = await exited as [number | null]
  return code
}

describe('p2pstack idp', () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pstack-idp-'))
  const children: ChildProcess[] = []
  after(async () => {
    for (const child of children) await stop(child)
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves discovery and JWKS, issues JWTs that verify with them, and keeps its key across a restart', async () => {
    const state = join(dir, 'idp.sqlite')
    const first = await startIdp(['--state', state, '--demo', '--demo-password', 'pw'])
    children.push(first.child)
    const issuer = `${first.url}/identity`
    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`)
    assert.equal(discovery.status, 200)
    const doc = await discovery.json() as { issuer: string, jwks_uri: string }
    assert.equal(doc.issuer, issuer)
    const jwks = await (await fetch(doc.jwks_uri)).json() as { keys: Array<{ kid: string }> }
    assert.equal(jwks.keys.length, 1)

    const login = await fetch(`${issuer}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'demo', domain: { id: 'default' }, password: 'pw' } } }, scope: { project: { name: 'demo', domain: { id: 'default' } } } } })
    })
    assert.equal(login.status, 201)
    const jwt = login.headers.get('x-subject-token') as string
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks as never), { issuer, audience: 'p2pstack', algorithms: ['ES256'] })
    assert.equal(payload.preferred_username, 'demo')
    assert.equal(decodeProtectedHeader(jwt).kid, jwks.keys[0]?.kid)
    assert.equal(await stop(first.child), 0)

    const second = await startIdp(['--state', state])
    children.push(second.child)
    const again = await (await fetch(`${second.url}/identity/.well-known/jwks.json`)).json() as { keys: Array<{ kid: string }> }
    assert.deepEqual(again.keys.map(k => k.kid), jwks.keys.map(k => k.kid))
    assert.equal(await stop(second.child), 0)
  })
})

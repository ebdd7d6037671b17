/**
 * What a server create needs from the global objects before the own cloudlet's Nova sees it
 * (issue 7): the keypair it names is copied into this cloudlet if missing (keypairs.ts), and so
 * is its flavor (flavors.ts). Called on the agent the scheduler chose — this one, or the one a
 * "placed" call came to. A body that is not a create is left to Nova.
 */
import { ensureFlavor } from './flavors.ts'
import { ensureKeypair } from './keypairs.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'

export async function materializeFor (proxy: ProxyContext, call: ProxyCall, bodyText: string): Promise<void> {
  let server: { key_name?: unknown, flavorRef?: unknown } | undefined
  try {
    server = (JSON.parse(bodyText) as { server?: { key_name?: unknown, flavorRef?: unknown } }).server
  } catch {
    return
  }
  if (server === undefined || server === null || typeof server !== 'object') return
  const work: Array<Promise<void>> = []
  if (typeof server.key_name === 'string' && server.key_name !== '') work.push(ensureKeypair(proxy, call, server.key_name))
  if (typeof server.flavorRef === 'string' && server.flavorRef !== '') work.push(ensureFlavor(proxy, call, flavorIdOf(server.flavorRef)))
  await Promise.all(work)
}

/** A flavorRef is an id or a URL ending in /flavors/<id>. */
function flavorIdOf (ref: string): string {
  const match = /\/flavors\/([^/?#]+)\/?(?:[?#].*)?$/.exec(ref)
  return match?.[1] === undefined ? ref : decodeURIComponent(match[1])
}

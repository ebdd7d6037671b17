/**
 * What a server create needs from the global objects before the own cloudlet's Nova sees it
 * (issue 7): the keypair it names is copied into this cloudlet if missing (keypairs.ts), and so
 * are its flavor (flavors.ts) and its image (images.ts, when the agent has an image store). Called on the agent the scheduler chose — this one, or the one a
 * "placed" call came to. A body that is not a create is left to Nova.
 */
import { ensureFlavor } from './flavors.ts'
import { VISITED_HEADER } from './forwarded-call.ts'
import { ensureImage } from './images.ts'
import { ensureKeypair } from './keypairs.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'

export async function materializeFor (proxy: ProxyContext, placed: ProxyCall, bodyText: string): Promise<void> {
  // The copies are fetched by new calls, served where they land (never forwarded on), so the
  // agents this create passed through — the object's home among them — may be asked.
  const headers = { ...placed.request.headers }
  delete headers[VISITED_HEADER]
  const call: ProxyCall = { ...placed, request: { ...placed.request, headers } }
  let server: { key_name?: unknown, flavorRef?: unknown, imageRef?: unknown } | undefined
  try {
    server = (JSON.parse(bodyText) as { server?: { key_name?: unknown, flavorRef?: unknown, imageRef?: unknown } }).server
  } catch {
    return
  }
  if (server === undefined || server === null || typeof server !== 'object') return
  const work: Array<Promise<void>> = []
  if (typeof server.key_name === 'string' && server.key_name !== '') work.push(ensureKeypair(proxy, call, server.key_name))
  if (typeof server.flavorRef === 'string' && server.flavorRef !== '') work.push(ensureFlavor(proxy, call, flavorIdOf(server.flavorRef)))
  const store = proxy.imageStore
  if (store !== null && typeof server.imageRef === 'string' && server.imageRef !== '') {
    work.push(ensureImage(proxy, call, store, lastSegment(server.imageRef)).catch((error: unknown) => {
      proxy.logger.warn({ err: (error as Error).message, imageRef: server.imageRef }, 'could not copy an image into this cloudlet')
    }))
  }
  await Promise.all(work)
}

/** An imageRef is an id or a URL ending in /images/<id>. */
function lastSegment (ref: string): string {
  const match = /\/images\/([^/?#]+)\/?(?:[?#].*)?$/.exec(ref)
  return match?.[1] === undefined ? ref : decodeURIComponent(match[1])
}

/** A flavorRef is an id or a URL ending in /flavors/<id>. */
function flavorIdOf (ref: string): string {
  const match = /\/flavors\/([^/?#]+)\/?(?:[?#].*)?$/.exec(ref)
  return match?.[1] === undefined ? ref : decodeURIComponent(match[1])
}

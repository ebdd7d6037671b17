/**
 * What a server create needs from the global objects before the own cloudlet's Nova sees it
 * (issue 7): the keypair it names is copied into this cloudlet if missing (keypairs.ts), and so
 * are its flavor (flavors.ts), its image (images.ts, when the agent has an image store), its
 * networks with their subnets and its security groups (network-copies.ts; `networks: "auto"`
 * becomes the project's auto-allocated network where one exists). Called on the agent the
 * scheduler chose — this one, or the one a "placed" call came to. Returns the body to create
 * with; a body that is not a create is left to Nova.
 */
import { ensureFlavor } from './flavors.ts'
import { VISITED_HEADER } from './forwarded-call.ts'
import { ensureImage } from './images.ts'
import { ensureKeypair } from './keypairs.ts'
import { materializeNetworking } from './network-copies.ts'
import type { ProxyCall, ProxyContext } from './proxy-call.ts'

export async function materializeFor (proxy: ProxyContext, placed: ProxyCall, bodyText: string): Promise<string> {
  // The copies are fetched by new calls, served where they land (never forwarded on), so the
  // agents this create passed through — the object's home among them — may be asked.
  const headers = { ...placed.request.headers }
  delete headers[VISITED_HEADER]
  const call: ProxyCall = { ...placed, request: { ...placed.request, headers } }
  let body: Record<string, unknown>
  try {
    body = JSON.parse(bodyText) as Record<string, unknown>
  } catch {
    return bodyText
  }
  const server = body?.server as { key_name?: unknown, flavorRef?: unknown, imageRef?: unknown } | undefined
  if (server === undefined || server === null || typeof server !== 'object') return bodyText
  const work: Array<Promise<unknown>> = []
  if (typeof server.key_name === 'string' && server.key_name !== '') work.push(ensureKeypair(proxy, call, server.key_name))
  if (typeof server.flavorRef === 'string' && server.flavorRef !== '') work.push(ensureFlavor(proxy, call, flavorIdOf(server.flavorRef)))
  const store = proxy.imageStore
  if (store !== null && typeof server.imageRef === 'string' && server.imageRef !== '') {
    work.push(ensureImage(proxy, call, store, lastSegment(server.imageRef)).catch((error: unknown) => {
      proxy.logger.warn({ err: (error as Error).message, imageRef: server.imageRef }, 'could not copy an image into this cloudlet')
    }))
  }
  const networking = materializeNetworking(proxy, call, body, server as Record<string, unknown>)
  await Promise.all([...work, networking])
  const ready = await networking
  return ready === body ? bodyText : JSON.stringify(ready)
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

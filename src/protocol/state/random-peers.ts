/**
 * Up to `count` distinct peers drawn at random from the Cyclon view, never this agent nor
 * `except` (the peer a rumour came from): the gossip targets of the state protocols.
 */
import type { PeerAddress, Random } from '../../core/ports.ts'

export function randomPeers (view: readonly PeerAddress[], random: Random, count: number, selfId: string, except: string | null): PeerAddress[] {
  const candidates = view.filter(p => p.id !== selfId && p.id !== except)
  const picked: PeerAddress[] = []
  for (let i = 0; i < candidates.length && picked.length < count; i++) {
    const j = i + random.int(candidates.length - i)
    const chosen = candidates[j] as PeerAddress
    candidates[j] = candidates[i] as PeerAddress
    picked.push(chosen)
  }
  return picked
}

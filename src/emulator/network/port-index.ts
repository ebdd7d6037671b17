/**
 * Secondary indexes over the ports, kept up to date by observing the ports table (rollbacks
 * included): which addresses are taken on each subnet and by which port, which MAC addresses
 * are used, and how many ports each project has. They turn the per-port scans of allocation,
 * MAC choice and quota checks into lookups, so creating a server stays fast with thousands of
 * ports.
 */
import type { PortRow } from '../../openstack/network/model.ts'
import { parseIp } from '../../openstack/network/ip.ts'
import type { TableObserver } from '../table.ts'

export class PortIndex implements TableObserver<PortRow> {
  readonly #addresses = new Map<string, Map<bigint, string>>()
  readonly #macs = new Map<string, number>()
  readonly #portsByProject = new Map<string, number>()

  put (row: PortRow, previous: PortRow | undefined): void {
    if (previous !== undefined) this.delete(previous)
    for (const f of row.fixedIps) {
      const value = parseIp(f.ipAddress)?.value
      if (value === undefined) continue
      let taken = this.#addresses.get(f.subnetId)
      if (taken === undefined) {
        taken = new Map()
        this.#addresses.set(f.subnetId, taken)
      }
      taken.set(value, row.id)
    }
    this.#macs.set(row.macAddress, (this.#macs.get(row.macAddress) ?? 0) + 1)
    this.#portsByProject.set(row.projectId, (this.#portsByProject.get(row.projectId) ?? 0) + 1)
  }

  delete (previous: PortRow): void {
    for (const f of previous.fixedIps) {
      const value = parseIp(f.ipAddress)?.value
      const taken = this.#addresses.get(f.subnetId)
      if (value !== undefined && taken?.get(value) === previous.id) taken.delete(value)
    }
    decrement(this.#macs, previous.macAddress)
    decrement(this.#portsByProject, previous.projectId)
  }

  /** The port holding an address on a subnet, if any. */
  holderOf (subnetId: string, address: bigint): string | undefined {
    return this.#addresses.get(subnetId)?.get(address)
  }

  isMacInUse (mac: string): boolean {
    return this.#macs.has(mac)
  }

  portCount (projectId: string): number {
    return this.#portsByProject.get(projectId) ?? 0
  }
}

function decrement (counts: Map<string, number>, key: string): void {
  const n = (counts.get(key) ?? 0) - 1
  if (n <= 0) counts.delete(key)
  else counts.set(key, n)
}

/**
 * What a flavor claims from Placement, computed as Nova computes it, so that the emulated
 * scheduler and the agent's placement ask for the same amounts a real Nova would.
 *
 * Nova (nova/scheduler/utils.py, ResourceRequest.from_request_spec, called by
 * resources_from_flavor_and_bfv) first reads `resources[$S]:$RC=N` extra specs; amounts of one
 * class in several request groups are added. Then, only for a class no extra spec named:
 * VCPU = vcpus, MEMORY_MB = ram, DISK_GB = ephemeral_gb + ceil(swap_mb / 1024) + root_gb, where
 * root_gb is left out for a server booted from volume (compute_utils.convert_mb_to_ceil_gb
 * rounds swap up to whole GB). Zero amounts are then dropped, which here is an amount of 0.
 * An extra spec whose amount is not a nonnegative integer is ignored, as Nova ignores it (with a
 * warning). Classes other than VCPU, MEMORY_MB and DISK_GB (PCPU, custom classes) are not
 * counted: the load p2pstack compares is over these three.
 */
import type { Resources } from '../../placement/model.ts'

/** A flavor's sizes, as the flavor API shows them (camelCase). */
export interface FlavorSizes {
  readonly vcpus: number
  readonly ramMb: number
  /** The flavor's `disk`: the root disk. */
  readonly rootGb: number
  readonly ephemeralGb: number
  readonly swapMb: number
  readonly extraSpecs: Readonly<Record<string, string>>
}

/** Nova's XS_KEYPAT, for the `resources` prefix: `resources[$S]:$RC`. */
const RESOURCE_SPEC = /^resources([a-zA-Z0-9_-]{1,64})?:(.*)$/
const COUNTED = new Set(['VCPU', 'MEMORY_MB', 'DISK_GB'])

export function flavorPlacementResources (flavor: FlavorSizes, options: { bootFromVolume?: boolean } = {}): Resources {
  // Amounts by request group, then by class; a later spec for the same group and class wins,
  // as in Nova's dict.
  const groups = new Map<string, Map<string, number>>()
  for (const [key, value] of Object.entries(flavor.extraSpecs)) {
    const match = RESOURCE_SPEC.exec(key)
    if (match === null) continue
    const group = match[1] ?? ''
    const resourceClass = match[2] ?? ''
    const amount = pythonNonnegativeInt(value)
    if (!isResourceClassName(resourceClass) || amount === null) continue
    let classes = groups.get(group)
    if (classes === undefined) groups.set(group, classes = new Map())
    classes.set(resourceClass, amount)
  }
  const merged = new Map<string, number>()
  for (const classes of groups.values()) {
    for (const [rc, amount] of classes) merged.set(rc, (merged.get(rc) ?? 0) + amount)
  }
  // PCPU in the extra specs replaces VCPU, as in Nova.
  const vcpu = merged.get('VCPU') ?? (merged.has('PCPU') ? 0 : flavor.vcpus)
  const memory = merged.get('MEMORY_MB') ?? flavor.ramMb
  const disk = merged.get('DISK_GB') ??
    flavor.ephemeralGb + swapGb(flavor.swapMb) + (options.bootFromVolume === true ? 0 : flavor.rootGb)
  return { VCPU: vcpu, MEMORY_MB: memory, DISK_GB: disk }
}

/** compute_utils.convert_mb_to_ceil_gb. */
export function swapGb (swapMb: number): number {
  return swapMb > 0 ? Math.ceil(swapMb / 1024) : 0
}

/** Standard classes are upper-case words; custom ones start with CUSTOM_. Anything else Nova drops. */
function isResourceClassName (name: string): boolean {
  return COUNTED.has(name) || name === 'PCPU' || /^[A-Z0-9_]+$/.test(name)
}

/** Python's int() on a string, for the forms extra specs use; null where Nova would ignore the value. */
function pythonNonnegativeInt (text: string): number | null {
  const trimmed = text.trim()
  if (!/^[+-]?\d+$/.test(trimmed)) return null
  const value = Number(trimmed)
  return Number.isSafeInteger(value) && value >= 0 ? value : null
}

/** The flavor in a Nova flavor body (GET /flavors/{id}) was not what Nova sends. */
export class FlavorViewError extends Error {
  readonly code = 'P2P_ERR_FLAVOR_VIEW_INVALID'
}

/**
 * Reads the sizes out of a flavor as Nova renders it (`{"flavor": {...}}` or the inner object):
 * `swap` is "" for none below 2.75; `extra_specs` is there from 2.61 and may be passed
 * separately (from GET /flavors/{id}/os-extra_specs) for older microversions.
 */
export function flavorSizesFromView (body: unknown, extraSpecs?: Readonly<Record<string, string>>): FlavorSizes {
  const view = isObject(body) && isObject(body.flavor) ? body.flavor : body
  if (!isObject(view)) throw new FlavorViewError('a flavor body must be a JSON object')
  const count = (field: string): number => {
    const value = view[field]
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new FlavorViewError(`flavor ${String(view.id)}: ${field} must be a nonnegative integer, got ${JSON.stringify(value) ?? 'nothing'}`)
    }
    return value
  }
  const swap = view.swap === '' || view.swap === undefined ? 0 : count('swap')
  const ephemeral = view['OS-FLV-EXT-DATA:ephemeral'] === undefined ? 0 : count('OS-FLV-EXT-DATA:ephemeral')
  let specs: Record<string, string> = { ...extraSpecs }
  if (extraSpecs === undefined && view.extra_specs !== undefined) {
    const inline = view.extra_specs
    if (!isObject(inline) || !Object.values(inline).every(v => typeof v === 'string')) {
      throw new FlavorViewError(`flavor ${String(view.id)}: extra_specs must map names to strings`)
    }
    specs = inline as Record<string, string>
  }
  return { vcpus: count('vcpus'), ramMb: count('ram'), rootGb: count('disk'), ephemeralGb: ephemeral, swapMb: swap, extraSpecs: specs }
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

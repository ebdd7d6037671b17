/**
 * PATCH /v2/images/{id} applied to a row: each parsed change in order, with Glance's policy and
 * attribute rules (only owners and admins change an image, only admins publicize it or give it
 * away, core attributes are set but never removed, extra properties must exist to be replaced
 * or removed, locations are not visible in this Glance so they cannot be patched). It returns
 * the new row or throws; the caller saves it, so a failing change leaves the image untouched.
 */
import { Forbidden } from '../../openstack/faults.ts'
import type { ImageChange } from '../../openstack/image/json-patch.ts'
import type { ImageRow, ImageVisibility } from '../../openstack/image/model.ts'
import { WebobDetailFault } from '../../openstack/image/webob-fault.ts'
import type { Caller } from './image-access.ts'
import { canChange } from './image-access.ts'
import { checkFormatChange, checkMinimum, checkQuotas, uniqueTags } from './image-rules.ts'

/** The core attributes PATCH can set (the read-only ones are refused before this). */
const SETTABLE: ReadonlySet<string> = new Set(['name', 'visibility', 'protected', 'os_hidden', 'owner', 'disk_format', 'container_format', 'min_disk', 'min_ram', 'tags'])

export function applyImageChanges (original: ImageRow, changes: readonly ImageChange[], caller: Caller): ImageRow {
  let row = original
  for (const change of changes) row = applyChange(row, change, caller)
  checkQuotas(row.properties, row.tags)
  return row
}

function applyChange (row: ImageRow, change: ImageChange, caller: Caller): ImageRow {
  const root = change.path[0] as string
  if (root === 'locations') return locationsChange(change)
  if (root === 'owner' && change.op !== 'remove' && !caller.isAdmin) throw new WebobDetailFault(403, "Owner can't be updated by non admin.")
  if (root === 'visibility' && change.value === 'public' && !caller.isAdmin) throw new Forbidden('You are not authorized to complete publicize_image action.')
  if (!canChange(row, caller)) throw new Forbidden('You do not own this image')
  const core = SETTABLE.has(root)
  const isProperty = Object.hasOwn(row.properties, root)
  switch (change.op) {
    case 'replace':
      if (core) return setAttribute(row, root, change.value)
      if (!isProperty) throw new WebobDetailFault(409, `Property ${root} does not exist.`)
      return { ...row, properties: { ...row.properties, [root]: change.value as string } }
    case 'add':
      if (change.draft === 4 && (core || isProperty)) throw new WebobDetailFault(409, `Property ${root} already present.`)
      if (core) return setAttribute(row, root, change.value)
      return { ...row, properties: { ...row.properties, [root]: change.value as string } }
    case 'remove': {
      if (core) throw new WebobDetailFault(403, `Property ${root} may not be removed.`)
      if (!isProperty) throw new WebobDetailFault(409, `Property ${root} does not exist.`)
      const properties = Object.fromEntries(Object.entries(row.properties).filter(([key]) => key !== root))
      return { ...row, properties }
    }
  }
}

function setAttribute (row: ImageRow, attribute: string, value: unknown): ImageRow {
  switch (attribute) {
    case 'name': return { ...row, name: value as string | null }
    case 'visibility': return { ...row, visibility: value as ImageVisibility }
    case 'protected': return { ...row, protected: value as boolean }
    case 'os_hidden': return { ...row, osHidden: value as boolean }
    case 'owner': return { ...row, owner: value as string | null }
    case 'disk_format':
      checkFormatChange(row, 'disk_format')
      return { ...row, diskFormat: value as string | null }
    case 'container_format':
      checkFormatChange(row, 'container_format')
      return { ...row, containerFormat: value as string | null }
    case 'min_disk':
      checkMinimum('min_disk', value)
      return { ...row, minDisk: value as number }
    case 'min_ram':
      checkMinimum('min_ram', value)
      return { ...row, minRam: value as number }
    default:
      return { ...row, tags: uniqueTags(value as unknown[]) }
  }
}

/** show_multiple_locations is off (Glance's default), so location patches are refused. */
function locationsChange (change: ImageChange): never {
  if (change.op === 'replace') {
    const empty = change.value === null || change.value === false || (Array.isArray(change.value) && change.value.length === 0)
    if (empty) throw new WebobDetailFault(403, 'Cannot set locations to empty list.')
    throw new Forbidden("It's not allowed to update locations if locations are invisible.")
  }
  if (change.op === 'add') throw new Forbidden("It's not allowed to add locations if locations are invisible.")
  throw new Forbidden("It's not allowed to remove locations if locations are invisible.")
}

/** Flavors as Nova renders them: `swap` is "" for 0 below 2.75, description from 2.55, extra_specs inline from 2.61. */
import type { Microversion } from '../../microversion.ts'
import { isAtLeast } from '../../microversion.ts'
import type { FlavorRow } from '../model.ts'

export function flavorLinks (id: string, computeUrl: string): Array<{ rel: string, href: string }> {
  return [
    { rel: 'self', href: `${computeUrl}/v2.1/flavors/${id}` },
    { rel: 'bookmark', href: `${computeUrl}/flavors/${id}` }
  ]
}

export function flavorBriefView (f: FlavorRow, computeUrl: string, version: Microversion): Record<string, unknown> {
  const view: Record<string, unknown> = { id: f.id, links: flavorLinks(f.id, computeUrl), name: f.name }
  if (isAtLeast(version, '2.55')) view.description = f.description
  return view
}

/** `showExtraSpecs`: Nova shows them to admins and, by default policy, to every reader. */
export function flavorDetailView (f: FlavorRow, computeUrl: string, version: Microversion, showExtraSpecs: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: f.id,
    name: f.name,
    ram: f.ramMb,
    disk: f.diskGb,
    swap: f.swapMb === 0 && !isAtLeast(version, '2.75') ? '' : f.swapMb,
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeralGb,
    'OS-FLV-DISABLED:disabled': f.disabled,
    vcpus: f.vcpus,
    'os-flavor-access:is_public': f.isPublic,
    rxtx_factor: f.rxtxFactor,
    links: flavorLinks(f.id, computeUrl)
  }
  if (isAtLeast(version, '2.55')) view.description = f.description
  if (isAtLeast(version, '2.61') && showExtraSpecs) view.extra_specs = f.extraSpecs
  return view
}

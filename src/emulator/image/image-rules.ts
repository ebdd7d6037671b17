/**
 * Rules Glance applies when an image's attributes change, shared by create, PATCH and the tag
 * calls: no negative min_disk/min_ram, the formats only while queued (or importing), at most
 * image_property_quota extra properties and image_tag_quota tags.
 */
import { BadRequest, Forbidden, RequestEntityTooLarge } from '../../openstack/faults.ts'
import type { ImageRow } from '../../openstack/image/model.ts'
import { IMAGE_LIMITS } from '../../openstack/image/model.ts'
import { pyRepr } from '../../openstack/python-text.ts'

/** Glance's InvalidParameterValue for a negative min_disk or min_ram. */
export function checkMinimum (param: 'min_disk' | 'min_ram', value: unknown): void {
  if (typeof value === 'number' && value < 0) {
    throw new BadRequest(`Invalid value '${String(value)}' for parameter '${param}': Cannot be a negative value`)
  }
}

/** disk_format and container_format can only be replaced on a queued (or importing) image. */
export function checkFormatChange (row: ImageRow, attribute: 'disk_format' | 'container_format'): void {
  if (row.status !== 'queued' && row.status !== 'importing') {
    throw new Forbidden(`Attribute ${attribute} can be only replaced for a queued image.`)
  }
}

export function propertyQuotaFault (count: number): RequestEntityTooLarge {
  return new RequestEntityTooLarge(`The limit has been exceeded on the number of allowed image properties. Attempted: ${count}, Maximum: ${IMAGE_LIMITS.properties}`)
}

export function tagQuotaMessage (count: number): string {
  return `The limit has been exceeded on the number of allowed image tags. Attempted: ${count}, Maximum: ${IMAGE_LIMITS.tags}`
}

/** 413 when a row would carry more extra properties or tags than Glance's quotas allow. */
export function checkQuotas (properties: Readonly<Record<string, string>>, tags: readonly string[]): void {
  const count = Object.keys(properties).length
  if (count > IMAGE_LIMITS.properties) throw propertyQuotaFault(count)
  if (tags.length > IMAGE_LIMITS.tags) throw new RequestEntityTooLarge(tagQuotaMessage(tags.length))
}

/** Unique tags in first-seen order (Glance keeps a set). */
export function uniqueTags (tags: readonly unknown[]): string[] {
  const out: string[] = []
  for (const tag of tags) {
    const text = typeof tag === 'string' ? tag : pyRepr(tag)
    if (!out.includes(text)) out.push(text)
  }
  return out
}

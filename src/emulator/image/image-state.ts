/**
 * The emulated Glance's data: images and image members in Tables written through to the Store,
 * and the ids of deleted images, which Glance keeps (it soft-deletes) so that an id is never
 * used twice.
 */
import type { Store } from '../../core/ports.ts'
import type { ImageRow, MemberRow } from '../../openstack/image/model.ts'
import { Table } from '../table.ts'

export class ImageState {
  readonly images: Table<ImageRow>
  readonly members: Table<MemberRow>
  readonly deletedIds: Table<{ readonly id: string }>

  constructor (store: Store) {
    this.images = new Table(store, 'image.image')
    this.members = new Table(store, 'image.member')
    this.deletedIds = new Table(store, 'image.deleted_id')
  }

  member (imageId: string, memberId: string): MemberRow | undefined {
    return this.members.get(memberRowId(imageId, memberId))
  }

  membersOf (imageId: string): MemberRow[] {
    return this.members.filter(m => m.imageId === imageId)
  }

  /** Removes an image with its members, remembering its id. */
  deleteImage (imageId: string): void {
    for (const member of this.membersOf(imageId)) this.members.delete(member.id)
    this.images.delete(imageId)
    this.deletedIds.put({ id: imageId })
  }

  isIdTaken (imageId: string): boolean {
    return this.images.has(imageId) || this.deletedIds.has(imageId)
  }
}

export function memberRowId (imageId: string, memberId: string): string {
  return `${imageId}:${memberId}`
}

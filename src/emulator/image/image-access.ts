/**
 * Who may see and change an image, as Glance decides it under its Zed default policies (legacy
 * rules, secure RBAC off): admins see and change everything; others see images without an
 * owner, public and community images, their own, and shared images they are a member of (in
 * any member status); only the owner (or an admin) changes an image; only admins publicize.
 */
import type { AuthContext } from '../../openstack/identity/auth-context.ts'
import { isAdmin } from '../../openstack/identity/auth-context.ts'
import type { ImageRow } from '../../openstack/image/model.ts'
import type { ImageState } from './image-state.ts'

export interface Caller {
  /** The project of the token: Glance's context.owner. */
  readonly projectId: string | null
  readonly isAdmin: boolean
  /** Holds the 'service' role (Nova, Cinder): may read image locations. */
  readonly isService: boolean
}

export function callerOf (auth: AuthContext): Caller {
  return { projectId: auth.project?.id ?? null, isAdmin: isAdmin(auth), isService: auth.roles.includes('service') }
}

export function canSee (state: ImageState, image: ImageRow, caller: Caller): boolean {
  if (caller.isAdmin || image.owner === null) return true
  if (image.visibility === 'public' || image.visibility === 'community') return true
  if (caller.projectId === null) return false
  if (caller.projectId === image.owner) return true
  return image.visibility === 'shared' && state.member(image.id, caller.projectId) !== undefined
}

/** Glance's check_is_image_mutable: admin, or the owner. */
export function canChange (image: ImageRow, caller: Caller): boolean {
  if (caller.isAdmin) return true
  return image.owner !== null && caller.projectId !== null && image.owner === caller.projectId
}

/**
 * Servers by id and their sub-resources: show, update (name, description, access IPs),
 * delete (204, then `deleting` until the server is gone and shows 404), ips, metadata,
 * os-interface, os-volume_attachments, os-security-groups, os-instance-actions and tags (2.26).
 */
import { emptyResponse, joinChunks, jsonResponse } from '../../core/http.ts'
import { BadRequest, Conflict, NotFound } from '../../openstack/faults.ts'
import type { ServerRow } from '../../openstack/compute/model.ts'
import { metadataBodySchema, metadataItemSchema, serverUpdateSchema, tagsBodySchema } from '../../openstack/compute/servers/schemas.ts'
import { serverAddresses } from '../../openstack/compute/servers/views.ts'
import { tag as tagSchema } from '../../openstack/compute/parameter-types.ts'
import { isAtLeast } from '../../openstack/microversion.ts'
import type { RequestContext } from '../request-context.ts'
import type { RouteHandler } from '../service-host.ts'
import type { ComputeDeps } from './compute-deps.ts'
import { findServer } from './compute-deps.ts'
import { instanceActionView, recordAction } from './instance-actions.ts'
import { listServers } from './server-query.ts'
import { ensureNotLocked } from './server-actions.ts'

export function serverHandlers (deps: ComputeDeps): Record<string, RouteHandler> {
  const { state } = deps
  const now = (): number => deps.clock.wallClockMs()
  const show = (context: RequestContext, server: ServerRow, status = 200) => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: joinChunks([deps.views.detailBytes(server, { computeUrl: context.serviceUrl, version: context.microversion, isAdmin: context.isAdmin, single: true })], '', '{"server":', '}')
  })
  const requireTags = (context: RequestContext): void => {
    if (!isAtLeast(context.microversion, '2.26')) throw new NotFound('The resource could not be found.')
  }
  const changeTags = (server: ServerRow, tags: readonly string[]): ServerRow => {
    if (server.vmState === 'building' || server.taskState !== null) {
      throw new Conflict(`Cannot 'update tags' instance ${server.id} while it is in vm_state ${server.vmState}`)
    }
    if (tags.length > 50) throw new Conflict(`The number of tags exceeded the per-server limit 50`)
    return state.updateServer(server, { tags }, now())
  }

  return {
    'servers:list': context => listServers(deps, context, false),
    'servers:detail': context => listServers(deps, context, true),
    'servers:show': context => show(context, findServer(deps, context)),

    'servers:update': async context => {
      const server = findServer(deps, context)
      const { server: body } = await context.body(serverUpdateSchema(context.microversion))
      ensureNotLocked(context, server)
      const description = (body as { description?: string | null }).description
      const changes: Partial<ServerRow> = {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.accessIPv4 !== undefined ? { accessIPv4: body.accessIPv4 } : {}),
        ...(body.accessIPv6 !== undefined ? { accessIPv6: body.accessIPv6 } : {}),
        ...(body['OS-DCF:diskConfig'] !== undefined ? { diskConfig: body['OS-DCF:diskConfig'] } : {}),
        ...(description !== undefined ? { description } : {})
      }
      return show(context, state.updateServer(server, changes, now()))
    },

    'servers:delete': context => {
      const server = findServer(deps, context)
      ensureNotLocked(context, server)
      if (server.taskState === 'deleting') return emptyResponse(204)
      const t = now()
      const begun = deps.lifecycle.begin('delete', t)
      const updated = state.updateServer(server, { taskState: begun.taskState, pending: begun.pending }, t)
      deps.lifecycle.track(updated)
      recordAction(deps, { requestId: context.requestId, serverId: server.id, action: 'delete', projectId: server.projectId, userId: context.auth.userId, nowMs: t })
      return emptyResponse(204)
    },

    'ips:list': context => jsonResponse(200, { addresses: serverAddresses(findServer(deps, context)) }),
    'ips:show': context => {
      const addresses = serverAddresses(findServer(deps, context))
      const label = context.param('network_label')
      const list = addresses[label]
      if (list === undefined) throw new NotFound('Network does not exist')
      return jsonResponse(200, { [label]: list })
    },

    'metadata:list': context => jsonResponse(200, { metadata: findServer(deps, context).metadata }),
    'metadata:replace': async context => {
      const server = findServer(deps, context)
      const { metadata } = await context.body(metadataBodySchema)
      ensureNotLocked(context, server)
      state.updateServer(server, { metadata }, now())
      return jsonResponse(200, { metadata })
    },
    'metadata:update': async context => {
      const server = findServer(deps, context)
      const { metadata } = await context.body(metadataBodySchema)
      ensureNotLocked(context, server)
      const merged = { ...server.metadata, ...metadata }
      state.updateServer(server, { metadata: merged }, now())
      return jsonResponse(200, { metadata: merged })
    },
    'metadata:show': context => {
      const server = findServer(deps, context)
      const key = context.param('key')
      const value = server.metadata[key]
      if (value === undefined) throw new NotFound('Metadata item was not found')
      return jsonResponse(200, { meta: { [key]: value } })
    },
    'metadata:set': async context => {
      const server = findServer(deps, context)
      const { meta } = await context.body(metadataItemSchema)
      const key = context.param('key')
      const keys = Object.keys(meta)
      if (keys.length !== 1) throw new BadRequest('Request body contains too many items')
      if (keys[0] !== key) throw new BadRequest('Request body and URI mismatch')
      ensureNotLocked(context, server)
      state.updateServer(server, { metadata: { ...server.metadata, ...meta } }, now())
      return jsonResponse(200, { meta })
    },
    'metadata:delete': context => {
      const server = findServer(deps, context)
      const key = context.param('key')
      if (server.metadata[key] === undefined) throw new NotFound('Metadata item was not found')
      ensureNotLocked(context, server)
      const { [key]: _removed, ...rest } = server.metadata
      state.updateServer(server, { metadata: rest }, now())
      return emptyResponse(204)
    },

    'interfaces:list': context => {
      const server = findServer(deps, context)
      return jsonResponse(200, { interfaceAttachments: deps.network.portsOfServer(server.id).map(p => interfaceView(p, context)) })
    },
    'interfaces:show': context => {
      const server = findServer(deps, context)
      const port = deps.network.portsOfServer(server.id).find(p => p.id === context.param('port_id'))
      if (port === undefined) throw new NotFound(`Port ${context.param('port_id')} is not attached`)
      return jsonResponse(200, { interfaceAttachment: interfaceView(port, context) })
    },
    'volume-attachments:list': context => {
      findServer(deps, context)
      return jsonResponse(200, { volumeAttachments: [] })
    },
    'server-security-groups:list': context => {
      const server = findServer(deps, context)
      return jsonResponse(200, {
        security_groups: server.securityGroups.map(name => ({ name, description: '', id: name, rules: [], tenant_id: server.projectId }))
      })
    },
    'instance-actions:list': context => {
      const server = findServer(deps, context)
      const actions = state.instanceActions.filter(a => a.serverId === server.id).sort((a, b) => b.startTimeMs - a.startTimeMs)
      return jsonResponse(200, { instanceActions: actions.map(a => instanceActionView(a, isAtLeast(context.microversion, '2.58'))) })
    },
    'instance-actions:show': context => {
      const server = findServer(deps, context)
      const action = state.instanceActions.get(context.param('request_id'))
      if (action === undefined || action.serverId !== server.id) throw new NotFound(`Action for request_id ${context.param('request_id')} on instance ${server.id} not found`)
      return jsonResponse(200, { instanceAction: { ...instanceActionView(action, isAtLeast(context.microversion, '2.58')), events: [] } })
    },

    'tags:list': context => {
      requireTags(context)
      return jsonResponse(200, { tags: findServer(deps, context).tags })
    },
    'tags:replace': async context => {
      requireTags(context)
      const server = findServer(deps, context)
      const { tags } = await context.body(tagsBodySchema)
      return jsonResponse(200, { tags: changeTags(server, [...new Set(tags)]).tags })
    },
    'tags:delete-all': context => {
      requireTags(context)
      changeTags(findServer(deps, context), [])
      return emptyResponse(204)
    },
    'tags:check': context => {
      requireTags(context)
      const tag = context.param('tag')
      if (!findServer(deps, context).tags.includes(tag)) throw new NotFound(`Tag ${tag} could not be found.`)
      return emptyResponse(204)
    },
    'tags:add': context => {
      requireTags(context)
      const server = findServer(deps, context)
      const tag = context.check(tagSchema, context.param('tag'))
      if (server.tags.includes(tag)) return emptyResponse(204)
      changeTags(server, [...server.tags, tag])
      return emptyResponse(201, { location: `${context.serviceUrl}/v2.1/servers/${server.id}/tags/${encodeURIComponent(tag)}` })
    },
    'tags:delete': context => {
      requireTags(context)
      const server = findServer(deps, context)
      const tag = context.param('tag')
      if (!server.tags.includes(tag)) throw new NotFound(`Tag ${tag} could not be found.`)
      changeTags(server, server.tags.filter(t => t !== tag))
      return emptyResponse(204)
    }
  }
}

function interfaceView (port: { id: string, networkId: string, macAddress: string, fixedIps: ReadonlyArray<{ subnetId: string, ipAddress: string }> }, context: RequestContext): Record<string, unknown> {
  const view: Record<string, unknown> = {
    port_state: 'ACTIVE',
    fixed_ips: port.fixedIps.map(ip => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
    port_id: port.id,
    net_id: port.networkId,
    mac_addr: port.macAddress
  }
  if (isAtLeast(context.microversion, '2.70')) view.tag = null
  return view
}

/**
 * What Glance's faults are made of: webob's HTTP exceptions. Each has a title and a default
 * explanation per status; Glance mostly replaces the explanation (`explanation=msg`), but some
 * calls pass the message positionally, which webob keeps as `detail` under the default
 * explanation — WebobDetailFault is that second kind. The tables and the rendering are in
 * ../webob-error.ts, shared with every service whose errors WebOb renders.
 */
import { OpenStackFault } from '../faults.ts'
import type { FaultOptions, FaultStatus } from '../faults.ts'
import { WEBOB_EXPLANATIONS } from '../webob-error.ts'

/** A fault whose message Glance passes as webob's `detail`; the explanation stays webob's default. */
export class WebobDetailFault extends OpenStackFault {
  readonly detail: string

  constructor (status: FaultStatus, detail: string, options?: FaultOptions) {
    super(status, WEBOB_EXPLANATIONS[status] ?? '', options)
    this.detail = detail
  }
}

/**
 * The texts Nova answers with when a server cannot be placed, as recorded from Nova's source
 * (see the module), and the bodies they render to in Nova's envelope. The emulated Nova is
 * checked against the same texts in emulator/compute/server-scheduling.test.ts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { computeFaultBody } from '../fault-body.ts'
import {
  availabilityZoneNotAvailable, availabilityZoneUnparsable, computeHostNotFound, instanceGroupNotFound,
  noValidHostFault, noValidHostMessage
} from './scheduling-faults.ts'

describe('scheduling faults', () => {
  it('renders an unknown availability zone as Nova’s 400', () => {
    const fault = availabilityZoneNotAvailable()
    assert.equal(fault.status, 400)
    assert.deepEqual(computeFaultBody(fault), { badRequest: { code: 400, message: 'The requested availability zone is not available' } })
  })

  it('words the other 400s as Nova’s exceptions do', () => {
    assert.equal(availabilityZoneUnparsable().message, 'Invalid input received: Unable to parse availability_zone')
    assert.equal(computeHostNotFound('h1').message, 'Compute host h1 could not be found.')
    assert.equal(instanceGroupNotFound('g1').message, 'Instance group g1 could not be found.')
  })

  it('words "No valid host" as NoValidHost does, with and without a reason', () => {
    assert.equal(noValidHostMessage('no-capacity'), 'No valid host was found. ')
    assert.equal(noValidHostMessage('filtered'), 'No valid host was found. There are not enough hosts available.')
    assert.deepEqual(noValidHostFault('filtered', 5), { code: 500, message: 'No valid host was found. There are not enough hosts available.', details: '', createdAtMs: 5 })
  })
})

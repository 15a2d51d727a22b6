/**
 * Card transitions for tests: issuing a card to Ben Member (a seeded member of the fake tenant) under
 * the standard template (relay/templates/template-fixture.ts), with the fields a test cares about
 * overridden.
 */
import type { TransitionBody } from '../../src/relay-api/contract';

type IssueDetails = NonNullable<TransitionBody['issue']>;

/** The body of an `issue` transition to Ben, expecting `expectedVersion`, with `details` overriding. */
export function issueToBen(expectedVersion = 0, details: Partial<IssueDetails> = {}): TransitionBody {
  return {
    transition: 'issue',
    expectedVersion,
    issue: {
      holderOid: 'oid-ben',
      holderName: 'Ben Member',
      holderUpn: 'ben@contoso.example',
      templateId: 'tpl-standard',
      templateVersion: 1,
      credentialType: 'yubikey',
      serial: 5001,
      chuidGuid: '',
      keys: [],
      ...details,
    },
  };
}

import { tokenOf } from '../sessionToken';

/**
 * What the consumer test's mock server answers for a ConnectSession: examples only, each matched by format in the
 * pact (the token by its regex, the link by type, the expiry as an RFC 3339 date-time), so any live session passes.
 */
export const EXAMPLE_SESSION = {
  token: tokenOf('c5'),
  connect_link: 'https://connect.nango.dev/?session_token=example',
  expires_at: '2026-12-01T10:30:00.000Z',
} as const;

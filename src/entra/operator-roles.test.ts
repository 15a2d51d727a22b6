import { describe, expect, it } from 'vitest';
import { DIRECTORY_ROLES, tapAuthorityFromClaims } from './operator-roles';

describe('TAP authority from ID token wids', () => {
  it('an Authentication Administrator may act on members only', () => {
    const a = tapAuthorityFromClaims({
      wids: [DIRECTORY_ROLES.AUTHENTICATION_ADMINISTRATOR, 'b79fbf4d-3ef9-4689-8143-76b194e85509'],
    });
    expect(a).toEqual({ roleNames: ['Authentication Administrator'], membersOnly: true, includingAdmins: false });
  });

  it('a Privileged Authentication Administrator may also act on admins', () => {
    const a = tapAuthorityFromClaims({ wids: [DIRECTORY_ROLES.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR] });
    expect(a.includingAdmins && a.membersOnly).toBe(true);
  });

  it('no wids, or junk, means no authority', () => {
    expect(tapAuthorityFromClaims({})).toEqual({ roleNames: [], membersOnly: false, includingAdmins: false });
    expect(tapAuthorityFromClaims({ wids: 'c4e39bd9-1100-46d3-8c65-fb160da0071f' }).membersOnly).toBe(false);
    expect(tapAuthorityFromClaims({ wids: [42, null] }).roleNames).toEqual([]);
  });
});

import { CREATED, DAY, HOUR, ID, isoSeconds, MINUTE } from './ids.js';
import type { AccessUser } from './wire-types.js';

/** The account's Access users. */
export function createSampleUsers(now: Date): AccessUser[] {
  const ago = (ms: number): Date => new Date(now.getTime() - ms);

  const user = (
    id: string,
    email: string,
    name: string,
    seat: string,
    devices: number,
    lastLogin: Date,
  ): AccessUser => ({
    id,
    uid: id,
    email,
    name,
    access_seat: true,
    gateway_seat: devices > 0,
    seat_uid: seat,
    active_device_count: devices,
    last_successful_login: isoSeconds(lastLogin),
    created_at: CREATED,
    updated_at: isoSeconds(lastLogin),
  });

  const users: AccessUser[] = [
    user(
      ID.userAlice,
      'alice.nguyen@northwind.example',
      'Alice Nguyen',
      '3e2f8cd0-1d23-489a-a712-8c73e146a1de',
      1,
      ago(2 * HOUR),
    ),
    user(
      ID.userBen,
      'ben.okafor@northwind.example',
      'Ben Okafor',
      '201d5a37-c840-4f69-848a-95a555cb8555',
      2,
      ago(30 * MINUTE),
    ),
    user(
      ID.userPriya,
      'priya.shah@personal.example',
      'priya.shah@personal.example',
      '28679485-fdcf-4437-a11a-e87567b9b671',
      0,
      ago(40 * DAY),
    ),
    user(
      ID.userHenry,
      'henry.adams@northwind.example',
      'Henry Adams',
      'fefe898d-6719-4950-a5d9-44e6a20fd135',
      0,
      ago(16 * DAY),
    ),
    user(
      ID.userEmma,
      'emma.fischer@northwind.example',
      'Emma Fischer',
      'c2e00113-5e24-40d5-994d-e0788f19a99e',
      1,
      ago(3 * DAY),
    ),
    user(
      ID.userFrank,
      'frank.osei@northwind.example',
      'Frank Osei',
      '8eb2d557-4b19-4755-b50f-37d680100826',
      1,
      ago(9 * HOUR),
    ),
    user(
      ID.userGrace,
      'grace.kim@northwind.example',
      'Grace Kim',
      '39af6172-611e-43d5-9250-7c347ff0f3b5',
      1,
      ago(4 * HOUR),
    ),
    user(
      ID.userOlivia,
      'olivia.brandt@northwind.example',
      'Olivia Brandt',
      '2a5d3dfe-ec6c-4b7e-92d7-695ec20fdda5',
      0,
      ago(DAY + 2 * HOUR),
    ),
    user(
      ID.userMaya,
      'maya.torres@northwind.example',
      'Maya Torres',
      'e4f2ebde-567d-4045-96dd-cf30ff349e93',
      0,
      ago(2 * DAY),
    ),
  ];

  return users;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxmoxApiClient } from '../../../src/adapters/proxmox/client.js';
import { PASSWORD, TOKEN_ID, TOKEN_SECRET, startSim, tokenHeader, type Sim } from './fixture.js';

describe('Proxmox simulator: authentication', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(() => sim.close());

  it('accepts a PVEAPIToken through our proxmox-api adapter', async () => {
    const client = await sim.client();
    const vms = await client.listVms();
    expect(vms.map((v) => v.vmid).sort()).toEqual([101, 102, 103, 104]);
  });

  it('answers /version with {"data": ...} and the exact JSON content type', async () => {
    const r = await sim.raw('GET', '/version', { headers: tokenHeader });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json;charset=UTF-8');
    expect(r.json().data).toMatchObject({ release: expect.any(String), version: expect.any(String) });
  });

  it('refuses a wrong token secret with 401, through the adapter and raw', async () => {
    const bad = await ProxmoxApiClient.connect({ url: sim.server.url, tokenId: TOKEN_ID, tokenSecret: '00000000-0000-4000-8000-000000000000', caFile: sim.caFile, insecure: false });
    await expect(bad.listVms()).rejects.toMatchObject({ kind: 'unauthorized', status: 401 });
    const r = await sim.raw('GET', '/version', { headers: { Authorization: `PVEAPIToken=${TOKEN_ID}=00000000-0000-4000-8000-000000000000` } });
    expect(r.status).toBe(401);
    expect(r.statusText).toBe('Authentication failed!');
    expect(r.text).toBe('');
  });

  it('answers 401 "No ticket" without credentials', async () => {
    const r = await sim.raw('GET', '/cluster/resources');
    expect([r.status, r.statusText]).toEqual([401, 'No ticket']);
  });

  it("refuses the USER@REALM!TOKENID:SECRET form, as PVE's verify_token only splits at '='", async () => {
    const r = await sim.raw('GET', '/version', { headers: { Authorization: `PVEAPIToken=${TOKEN_ID}:${TOKEN_SECRET}` } });
    expect(r.status).toBe(401);
  });

  it('logs in with a password, then needs the CSRFPreventionToken on writes but not on reads', async () => {
    const bad = await sim.raw('POST', '/access/ticket', { body: { username: 'root@pam', password: 'wrong' } });
    expect(bad.status).toBe(401);
    expect(bad.json()).toMatchObject({ data: null, message: 'authentication failure\n' });

    const login = await sim.raw('POST', '/access/ticket', { body: { username: 'root', realm: 'pam', password: PASSWORD } });
    expect(login.status).toBe(200);
    const { ticket, CSRFPreventionToken, username } = login.json().data as { ticket: string; CSRFPreventionToken: string; username: string };
    expect(username).toBe('root@pam');
    expect(ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::\S+$/);
    expect(CSRFPreventionToken).toMatch(/^[0-9A-F]{8}:\S+$/);
    const cookie = `PVEAuthCookie=${encodeURIComponent(ticket)}`;

    const read = await sim.raw('GET', '/nodes/pve1/qemu/101/config', { headers: { Cookie: cookie } });
    expect(read.status).toBe(200);

    const noCsrf = await sim.raw('PUT', '/nodes/pve1/qemu/101/config', { headers: { Cookie: cookie }, body: { cores: '3' } });
    expect([noCsrf.status, noCsrf.statusText]).toEqual([401, 'Permission denied - invalid csrf token']);
    expect(sim.state.vm(101)!.config.cores).toBe(2);

    const wrongCsrf = await sim.raw('PUT', '/nodes/pve1/qemu/101/config', { headers: { Cookie: cookie, CSRFPreventionToken: `${CSRFPreventionToken}x` }, body: { cores: '3' } });
    expect(wrongCsrf.status).toBe(401);

    const ok = await sim.raw('PUT', '/nodes/pve1/qemu/101/config', { headers: { Cookie: cookie, CSRFPreventionToken }, body: { cores: '3' } });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ data: null });
  });

  it('does not ask API tokens for a CSRF token', async () => {
    const r = await sim.raw('PUT', '/nodes/pve1/qemu/101/config', { headers: tokenHeader, body: { description: 'token write' } });
    expect(r.status).toBe(200);
    expect(sim.state.vm(101)!.config.description).toBe('token write');
  });

  it('refuses a forged ticket', async () => {
    const r = await sim.raw('GET', '/version', { headers: { Cookie: 'PVEAuthCookie=PVE:root@pam:00000000::Zm9yZ2Vk' } });
    expect([r.status, r.statusText]).toEqual([401, 'Authentication failed!']);
  });
});

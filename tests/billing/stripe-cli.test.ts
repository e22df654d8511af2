import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeStandIn, type StripeStandIn } from '../stand-ins/stripe/server';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

// `npm run cli -- stripe sync-catalog`, as an operator runs it, against the stand-in.
describe('stripe sync-catalog CLI', () => {
  let standIn: StripeStandIn;
  beforeAll(async () => {
    standIn = await startStripeStandIn();
  });
  afterAll(() => standIn.close());

  const cli = (args: string[], env: Record<string, string>) =>
    run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'server/cli.ts'), 'stripe', ...args], {
      cwd: root,
      env: { ...process.env, STRIPE_SECRET_KEY: '', STRIPE_API_BASE: '', ...env },
    });

  it('creates the catalog, then finds nothing to change', async () => {
    const env = { STRIPE_SECRET_KEY: standIn.secretKey, STRIPE_API_BASE: standIn.url };
    const first = await cli(['sync-catalog'], env);
    expect(first.stdout).toMatch(/^created product plan_starter \(prod_\w+\)$/m);
    expect(first.stdout).toMatch(/^created price meterdesk_starter_monthly_v1 \(price_\w+\)$/m);
    expect(first.stdout).toMatch(/^created meter meterdesk_sms_sent \(mtr_\w+\)$/m);
    expect(first.stdout).toMatch(/^created portal configuration meterdesk_portal_v1 \(bpc_\w+\)$/m);
    expect(first.stdout).toMatch(/^\d+ changes\.$/m);
    const writes = standIn.writes().length;
    const second = await cli(['sync-catalog'], env);
    expect(second.stdout.trim()).toBe('The stripe catalog is up to date: nothing changed.');
    expect(standIn.writes().length).toBe(writes);
    for (const out of [first.stdout, first.stderr, second.stdout, second.stderr]) expect(out).not.toContain(standIn.secretKey);
  });

  it('takes the API base from --api-base, and explains a missing or refused key without printing it', async () => {
    await expect(cli(['sync-catalog', '--dry-run', '--api-base', standIn.url], { STRIPE_SECRET_KEY: standIn.secretKey })).resolves.toMatchObject({
      stdout: expect.stringMatching(/nothing changed/),
    });
    await expect(cli(['sync-catalog'], { STRIPE_API_BASE: standIn.url })).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/set STRIPE_SECRET_KEY/) });
    const refused = await cli(['sync-catalog'], { STRIPE_SECRET_KEY: 'sk_test_definitelyNotValid4321', STRIPE_API_BASE: standIn.url }).catch((e: { code: number; stderr: string; stdout: string }) => e);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringMatching(/Stripe refused the secret key/) });
    expect(`${(refused as { stderr: string }).stderr}${(refused as { stdout: string }).stdout}`).not.toContain('definitelyNotValid');
    await expect(cli(['frobnicate'], {})).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/stripe sync-catalog/) });
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import type { AuditEventView } from '@uniroute/shared';
import * as auditApi from '@/api/audit';
import { openAIError, teamView } from '@/testing/fixtures';
import AuditActivity from './AuditActivity.vue';

vi.mock('@/api/audit');
const api = vi.mocked(auditApi);

function event(id: string, overrides: Partial<AuditEventView> = {}): AuditEventView {
  return {
    id,
    at: '2026-12-04T10:00:00.000Z',
    actor: { id: 'user-1', email: 'me@example.com' },
    action: 'provider_key.created',
    provider: 'openai',
    outcome: 'success',
    ip: '203.0.113.7',
    userAgent: 'test',
    detail: {},
    ...overrides,
  };
}

let wrapper: VueWrapper | undefined;
async function mountSut(): Promise<VueWrapper> {
  wrapper = mount(AuditActivity, { global: { plugins: [createTestingPinia({ stubActions: false, createSpy: vi.fn })] } });
  await flushPromises();
  return wrapper;
}

describe('AuditActivity', () => {
  beforeEach(() => vi.resetAllMocks());
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('lists the events in words, newest first, and pages on with "Show older"', async () => {
    api.listAuditEvents
      .mockResolvedValueOnce({
        events: [
          event('e2', { action: 'provider_key.health_changed', detail: { from: 'ok', to: 'rejected', via: 'request' }, ip: null }),
          event('e1', { action: 'auth.login_failed', provider: undefined, outcome: 'failure' }),
        ],
        next: 'e1',
      })
      .mockResolvedValueOnce({ events: [event('e0', { action: 'provider_key.policy_changed', detail: { from: 'byok_then_server', to: 'byok_only' } })], next: null });
    const sut = await mountSut();
    const items = () => sut.findAll('[data-testid="audit-event"]').map((item) => item.text());
    expect(items()[0]).toMatch(/Key health changed · OpenAI: ok → rejected/);
    expect(items()[1]).toMatch(/Failed sign-in/);
    expect(items()[1]).toMatch(/failed/);
    expect(items()[1]).toMatch(/203\.0\.113\.7/);

    await sut.get('[data-testid="audit-more"]').trigger('click');
    await flushPromises();
    expect(api.listAuditEvents).toHaveBeenLastCalledWith(20, 'e1');
    expect(items()).toHaveLength(3);
    expect(items()[2]).toMatch(/Server-key policy changed · OpenAI: byok_then_server → byok_only/);
    expect(sut.find('[data-testid="audit-more"]').exists()).toBe(false);
  });

  it('says when there is nothing yet, and offers a retry after an error', async () => {
    api.listAuditEvents.mockRejectedValueOnce(openAIError(500, 'Internal server error')).mockResolvedValueOnce({ events: [], next: null });
    const sut = await mountSut();
    expect(sut.get('[data-testid="audit-error"]').text()).toMatch(/Couldn't load your activity/);
    await sut.get('[data-testid="audit-retry"]').trigger('click');
    await flushPromises();
    expect(sut.find('[data-testid="audit-error"]').exists()).toBe(false);
    expect(sut.get('[data-testid="audit-empty"]').text()).toBe('Nothing yet.');
  });

  it('names the team of a team event, or says "a team" for one no longer listed', async () => {
    api.listAuditEvents.mockResolvedValue({
      events: [
        event('t2', { action: 'team.member_role_changed', provider: undefined, teamId: 'team-1', detail: { from: 'member', to: 'admin' } }),
        event('t1', { action: 'provider_key.created', provider: 'anthropic', teamId: 'gone' }),
      ],
      next: null,
    });
    wrapper = mount(AuditActivity, {
      global: {
        plugins: [
          createTestingPinia({
            stubActions: false,
            createSpy: vi.fn,
            initialState: { teams: { teams: [teamView({ id: 'team-1', name: 'Platform' })], loaded: true } },
          }),
        ],
      },
    });
    await flushPromises();

    const items = wrapper.findAll('[data-testid="audit-event"]').map((item) => item.text());
    expect(items[0]).toMatch(/Member role changed · Platform: member → admin/);
    expect(items[1]).toMatch(/Key added · a team · Anthropic/);
  });
});

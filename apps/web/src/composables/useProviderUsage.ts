import { ref, toValue, type MaybeRefOrGetter, type Ref } from 'vue';
import { PROVIDER_IDS, type ProviderId, type UsageFigures, type UsageReport } from '@uniroute/shared';
import { getUsage } from '@/api/usage';
import { apiErrorMessage } from '@/api/http';
import { presetRange } from '@/utils/usage-range';
import { emptyFigures } from '@/utils/usage-series';

/** What a provider card shows of its usage: the last 24 hours and the last 30 days. */
export interface ProviderUsageSummary {
  day: UsageFigures;
  month: UsageFigures;
}

/** A provider without a row had no traffic in the window: zeros, not unknown. */
function byProvider(report: UsageReport): Record<ProviderId, UsageFigures> {
  return Object.fromEntries(
    PROVIDER_IDS.map((provider) => {
      const row = report.rows.find((candidate) => candidate.key === provider);
      return [provider, row ?? emptyFigures()];
    }),
  ) as Record<ProviderId, UsageFigures>;
}

/**
 * Usage per provider for the provider-keys page: two calls (`groupBy=provider` over 24 h and over 30 days)
 * for the whole page, never one per card. `teamId` shows a team's figures to its admins.
 */
export function useProviderUsage(teamId: MaybeRefOrGetter<string | null | undefined> = null): {
  summaries: Ref<Partial<Record<ProviderId, ProviderUsageSummary>>>;
  loading: Ref<boolean>;
  error: Ref<string | null>;
  load: () => Promise<void>;
} {
  const summaries = ref<Partial<Record<ProviderId, ProviderUsageSummary>>>({});
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    const team = toValue(teamId);
    const now = new Date();
    try {
      const [day, month] = await Promise.all(
        (['24h', '30d'] as const).map((preset) => {
          const { from, to } = presetRange(preset, now);
          return getUsage({ from, to, groupBy: 'provider', ...(team ? { teamId: team } : {}) });
        }),
      );
      const dayFigures = byProvider(day);
      const monthFigures = byProvider(month);
      summaries.value = Object.fromEntries(
        PROVIDER_IDS.map((provider) => [provider, { day: dayFigures[provider], month: monthFigures[provider] }]),
      );
    } catch (failure) {
      summaries.value = {};
      error.value = apiErrorMessage(failure);
    } finally {
      loading.value = false;
    }
  }

  return { summaries, loading, error, load };
}

import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { fetchMetrics } from '@/api/manager'
import type { ManagerMetrics, MetricsDimension, MetricsPeriod } from '@/api/manager'

export const useMetricsStore = defineStore('metrics', () => {
  const period = ref<MetricsPeriod>('7d')
  const dimension = ref<MetricsDimension>('rep')
  /** The answer for the period and dimension chosen last; kept while the next one loads. */
  const metrics = shallowRef<ManagerMetrics | null>(null)
  const loading = ref(false)
  const error = ref('')

  let asked = 0

  /** Loads the figures for the chosen period and dimension; only the latest request's answer is kept. */
  async function load(): Promise<void> {
    const request = ++asked
    loading.value = true
    try {
      const answer = await fetchMetrics(period.value, dimension.value)
      if (request === asked) {
        metrics.value = answer
        error.value = ''
      }
    }
    catch (failure) {
      if (request === asked)
        error.value = failure instanceof Error && failure.message ? failure.message : 'The figures could not be loaded.'
    }
    finally {
      if (request === asked)
        loading.value = false
    }
  }

  /** Chooses what to look at and loads it. */
  function choose(next: { period?: MetricsPeriod, dimension?: MetricsDimension }): Promise<void> {
    period.value = next.period ?? period.value
    dimension.value = next.dimension ?? dimension.value
    return load()
  }

  function $reset(): void {
    asked++
    period.value = '7d'
    dimension.value = 'rep'
    metrics.value = null
    loading.value = false
    error.value = ''
  }

  return { period, dimension, metrics, loading, error, load, choose, $reset }
})

if (import.meta.hot)
  import.meta.hot.accept(acceptHMRUpdate(useMetricsStore, import.meta.hot))

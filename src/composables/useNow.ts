import { onBeforeUnmount, onMounted, readonly, ref, watch } from 'vue'
import type { Ref } from 'vue'
import { useVisibility } from './useVisibility'

/**
 * The current time in milliseconds, ticking every `intervalMs` while the page is visible (a
 * hidden page has nobody to show a countdown to; it catches up when shown again).
 */
export function useNow(intervalMs = 1000): Readonly<Ref<number>> {
  const now = ref(Date.now())
  const visible = useVisibility()
  let timer: ReturnType<typeof setInterval> | undefined

  function start(): void {
    stop()
    now.value = Date.now()
    timer = setInterval(() => {
      now.value = Date.now()
    }, intervalMs)
  }
  function stop(): void {
    clearInterval(timer)
    timer = undefined
  }

  onMounted(start)
  onBeforeUnmount(stop)
  watch(visible, shown => (shown ? start() : stop()))
  return readonly(now)
}

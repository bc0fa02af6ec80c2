import { onBeforeUnmount, onMounted } from 'vue'

/**
 * Runs `task` every `intervalMs` while `when()` holds (e.g. visible and online), never two at a
 * time. For checks no event announces, such as a lead reassigned to someone else.
 */
export function usePolling(task: () => Promise<unknown>, intervalMs: number, when: () => boolean): void {
  let timer: ReturnType<typeof setInterval> | undefined
  let running = false
  onMounted(() => {
    timer = setInterval(() => {
      if (running || !when())
        return
      running = true
      void task().catch(() => {}).finally(() => {
        running = false
      })
    }, intervalMs)
  })
  onBeforeUnmount(() => clearInterval(timer))
}

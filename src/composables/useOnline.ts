import { onBeforeUnmount, onMounted, readonly, ref } from 'vue'
import type { Ref } from 'vue'

type EventSource = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>

/** Calls back on the browser's `online` and `offline` events; returns the stop function. */
export function watchOnline(target: EventSource, onChange: (online: boolean) => void): () => void {
  const goOnline = () => onChange(true)
  const goOffline = () => onChange(false)
  target.addEventListener('online', goOnline)
  target.addEventListener('offline', goOffline)
  return () => {
    target.removeEventListener('online', goOnline)
    target.removeEventListener('offline', goOffline)
  }
}

/** Whether the browser believes it has a network connection, kept current. */
export function useOnline(): Readonly<Ref<boolean>> {
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
  let stop = () => {}
  onMounted(() => {
    online.value = navigator.onLine
    stop = watchOnline(window, (value) => {
      online.value = value
    })
  })
  onBeforeUnmount(() => stop())
  return readonly(online)
}

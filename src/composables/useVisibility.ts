import { onBeforeUnmount, onMounted, readonly, ref } from 'vue'
import type { Ref } from 'vue'

interface VisibilitySource extends Pick<EventTarget, 'addEventListener' | 'removeEventListener'> {
  visibilityState: DocumentVisibilityState
}

/** Calls back whenever the page is shown or hidden (app switched, screen locked); returns the stop function. */
export function watchVisibility(doc: VisibilitySource, onChange: (visible: boolean) => void): () => void {
  const changed = () => onChange(doc.visibilityState === 'visible')
  doc.addEventListener('visibilitychange', changed)
  return () => doc.removeEventListener('visibilitychange', changed)
}

/** Whether the page is visible to the rep right now. */
export function useVisibility(): Readonly<Ref<boolean>> {
  const visible = ref(typeof document === 'undefined' ? true : document.visibilityState === 'visible')
  let stop = () => {}
  onMounted(() => {
    stop = watchVisibility(document, (value) => {
      visible.value = value
    })
  })
  onBeforeUnmount(() => stop())
  return readonly(visible)
}

import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'

/** One message for the person, shown on the next screen (e.g. why a navigation was turned away). */
export const useNoticeStore = defineStore('notice', () => {
  /** The message, or '' when there is none. */
  const message = ref('')
  /** The screen the message is about has not been shown yet: keep it through that navigation. */
  const pending = ref(false)

  /** Shows `text` on the screen the current navigation ends on. */
  function show(text: string): void {
    message.value = text
    pending.value = true
  }

  /** Shows `text` on the screen already reached (the navigation that led there has ended). */
  function showHere(text: string): void {
    message.value = text
    pending.value = false
  }

  /** Called after every navigation: a message lives for one screen. */
  function navigated(): void {
    if (pending.value)
      pending.value = false
    else
      message.value = ''
  }

  function dismiss(): void {
    message.value = ''
    pending.value = false
  }

  return { message, pending, show, showHere, navigated, dismiss, $reset: dismiss }
})

if (import.meta.hot)
  import.meta.hot.accept(acceptHMRUpdate(useNoticeStore, import.meta.hot))

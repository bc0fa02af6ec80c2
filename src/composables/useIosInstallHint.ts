import { computed, onMounted, ref } from 'vue'
import { storageKeys } from '@/shared/constants'
import { useRememberedFlag } from './useRememberedFlag'

export interface BrowserFacts {
  userAgent: string
  maxTouchPoints: number
  /** iOS Safari's own flag for a page opened from the home screen. */
  standalone?: boolean
  /** `matchMedia('(display-mode: standalone)').matches` */
  displayModeStandalone: boolean
}

/**
 * Whether to tell the rep how to install the app: only Safari on iPhone or iPad (which has no
 * install prompt of its own), and only when not already opened from the home screen.
 */
export function wantsIosInstallHint(facts: BrowserFacts): boolean {
  const ua = facts.userAgent
  // iPadOS presents itself as a Mac; a Mac has no touch screen.
  const ios = /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && facts.maxTouchPoints > 1)
  const safari = /Safari\//.test(ua) && !/CriOS|FxiOS|EdgiOS|OPiOS|GSA\/|DuckDuckGo/.test(ua)
  const installed = facts.standalone === true || facts.displayModeStandalone
  return ios && safari && !installed
}

/** The iOS "Add to Home Screen" hint: whether to show it, and a way to put it away for good. */
export function useIosInstallHint() {
  const dismissed = useRememberedFlag(storageKeys.iosInstallHintDismissed)
  const wanted = ref(false)
  onMounted(() => {
    wanted.value = wantsIosInstallHint({
      userAgent: navigator.userAgent,
      maxTouchPoints: navigator.maxTouchPoints,
      standalone: (navigator as Navigator & { standalone?: boolean }).standalone,
      displayModeStandalone: matchMedia('(display-mode: standalone)').matches,
    })
  })
  return {
    show: computed(() => wanted.value && !dismissed.value.value),
    /** Not remembered when storage is blocked (private mode): it shows again on the next visit. */
    dismiss: () => dismissed.set(true),
  }
}

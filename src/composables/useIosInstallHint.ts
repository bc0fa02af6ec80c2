import { onMounted, ref } from 'vue'
import { storageKeys } from '@/shared/constants'

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
  const show = ref(false)
  onMounted(() => {
    let dismissed = false
    try {
      dismissed = localStorage.getItem(storageKeys.iosInstallHintDismissed) === '1'
    }
    catch {
      // Storage blocked (private mode): show it, it can still be closed for this visit.
    }
    show.value = !dismissed && wantsIosInstallHint({
      userAgent: navigator.userAgent,
      maxTouchPoints: navigator.maxTouchPoints,
      standalone: (navigator as Navigator & { standalone?: boolean }).standalone,
      displayModeStandalone: matchMedia('(display-mode: standalone)').matches,
    })
  })
  return {
    show,
    dismiss() {
      show.value = false
      try {
        localStorage.setItem(storageKeys.iosInstallHintDismissed, '1')
      }
      catch {
        // Not remembered (storage blocked): it shows again on the next visit.
      }
    },
  }
}

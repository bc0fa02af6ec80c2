import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { forgetPushSubscription } from './composables/usePushSubscription'
import { createAppRouter } from './router'
import { useSessionStore } from './stores/session'
import './styles/base.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
// A signed-out phone must stop getting the rep's alerts: its push subscription leaves with the session.
useSessionStore(pinia).beforeSignOut(forgetPushSubscription)
app.use(createAppRouter())
app.mount('#app')

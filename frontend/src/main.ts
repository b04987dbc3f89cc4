import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { vPerms } from './auth/perms'
import { createAppRouter } from './router'
import './styles/main.css'

const pinia = createPinia()
const app = createApp(App).use(pinia)
app.use(createAppRouter(pinia)).directive('perms', vPerms).mount('#app')

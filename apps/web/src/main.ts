import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { onUnauthorized } from './api/http';
import { SESSION_STORAGE_KEY } from './api/session';
import { createAppRouter, handleSessionExpired } from './router';
import { useAuthStore } from './stores/auth';
import './styles/main.css';

const pinia = createPinia();
const router = createAppRouter({ pinia });

onUnauthorized(() => handleSessionExpired(router, pinia));

// Logging out (or in) in another tab applies here too.
window.addEventListener('storage', (event) => {
  if (event.key !== SESSION_STORAGE_KEY && event.key !== null) return;
  const auth = useAuthStore(pinia);
  const previousToken = auth.accessToken;
  auth.hydrate();
  if (auth.accessToken === previousToken) return;
  if (auth.accessToken === null) handleSessionExpired(router, pinia);
  else if (previousToken !== null) window.location.reload(); // another account: start clean
});

createApp(App).use(pinia).use(router).mount('#app');

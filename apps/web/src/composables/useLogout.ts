import { ref } from 'vue';
import { useRouter } from 'vue-router';
import { useAuthStore } from '@/stores/auth';

/** Signing out from anywhere in the app: revoke the session, then the login page; one click at a time. */
export function useLogout() {
  const auth = useAuthStore();
  const router = useRouter();
  const loggingOut = ref(false);

  async function logout(): Promise<void> {
    if (loggingOut.value) return;
    loggingOut.value = true;
    try {
      await auth.logout();
      await router.push({ name: 'login' });
    } finally {
      loggingOut.value = false;
    }
  }

  return { loggingOut, logout };
}

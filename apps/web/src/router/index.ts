import type { Pinia } from 'pinia';
import {
  createRouter,
  createWebHistory,
  type RouteRecordRaw,
  type Router,
  type RouterHistory,
} from 'vue-router';
import { useAuthStore } from '@/stores/auth';

declare module 'vue-router' {
  interface RouteMeta {
    /** Only for a signed-in user; others go to /login?redirect=… */
    requiresAuth?: boolean;
    /** Only for admins; anyone else is sent to the settings (the API answers them 403 anyway). */
    requiresAdmin?: boolean;
    /** Only for signed-out visitors (login, register); others go to the settings. */
    guestOnly?: boolean;
    /** The document title, before "· UniRoute". */
    title?: string;
  }
}

/** Every page of the SPA. The gateway serves index.html for all of them (history mode). */
export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: { name: 'provider-keys' } },
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/LoginView.vue'),
    meta: { guestOnly: true, title: 'Log in' },
  },
  {
    path: '/register',
    name: 'register',
    component: () => import('@/views/RegisterView.vue'),
    meta: { guestOnly: true, title: 'Create account' },
  },
  { path: '/settings', redirect: { name: 'provider-keys' } },
  {
    path: '/settings/provider-keys',
    name: 'provider-keys',
    component: () => import('@/views/settings/ProviderKeys.vue'),
    meta: { requiresAuth: true, title: 'Provider keys' },
  },
  {
    path: '/settings/api-keys',
    name: 'api-keys',
    component: () => import('@/views/settings/ApiKeys.vue'),
    props: (route) => ({ team: typeof route.query.team === 'string' ? route.query.team : null }),
    meta: { requiresAuth: true, title: 'API keys' },
  },
  {
    // A team's usage is the same view on `/settings/teams/:teamId/usage` (below), for the team's admins.
    path: '/settings/usage',
    name: 'usage',
    component: () => import('@/views/settings/Usage.vue'),
    props: true,
    meta: { requiresAuth: true, title: 'Usage' },
  },
  {
    path: '/settings/users',
    name: 'users',
    component: () => import('@/views/settings/Users.vue'),
    meta: { requiresAuth: true, requiresAdmin: true, title: 'Users' },
  },
  {
    path: '/settings/teams',
    name: 'teams',
    component: () => import('@/views/settings/Teams.vue'),
    meta: { requiresAuth: true, title: 'Teams' },
  },
  // The selected team is part of the URL, so links and reloads open the same team.
  { path: '/settings/teams/:teamId', redirect: (to) => ({ name: 'team-provider-keys', params: to.params }) },
  {
    path: '/settings/teams/:teamId/provider-keys',
    name: 'team-provider-keys',
    component: () => import('@/views/settings/ProviderKeys.vue'),
    props: (route) => ({ teamId: String(route.params.teamId) }),
    meta: { requiresAuth: true, title: 'Team provider keys' },
  },
  {
    path: '/settings/teams/:teamId/members',
    name: 'team-members',
    component: () => import('@/views/settings/TeamMembers.vue'),
    props: (route) => ({ teamId: String(route.params.teamId) }),
    meta: { requiresAuth: true, title: 'Team members' },
  },
  {
    path: '/settings/teams/:teamId/usage',
    name: 'team-usage',
    component: () => import('@/views/settings/Usage.vue'),
    props: (route) => ({ teamId: String(route.params.teamId) }),
    meta: { requiresAuth: true, title: 'Team usage' },
  },
  {
    // The link a team invitation carries (§9): accept when signed in, else sign in or register first.
    path: '/invitations/:token',
    name: 'team-invitation',
    component: () => import('@/views/TeamInvitationView.vue'),
    props: (route) => ({ token: String(route.params.token) }),
    meta: { title: 'Team invitation' },
  },
  {
    path: '/settings/account',
    name: 'account',
    component: () => import('@/views/settings/Account.vue'),
    meta: { requiresAuth: true, title: 'Account' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { title: 'Not found' },
  },
];

/** Creates the router with its guards; tests pass a memory history and their own pinia. */
export function createAppRouter(options: { pinia: Pinia; history?: RouterHistory }): Router {
  const router = createRouter({
    history: options.history ?? createWebHistory(import.meta.env.BASE_URL),
    routes,
    scrollBehavior: (_to, _from, savedPosition) => savedPosition ?? { top: 0 },
  });

  router.beforeEach(async (to) => {
    // The gateway builds team invitation links as `/settings/teams?invitation=<token>`: the invitation page
    // takes them, signed in or not (it offers to log in or register before accepting).
    if (to.name === 'teams' && typeof to.query.invitation === 'string' && to.query.invitation.trim()) {
      return { name: 'team-invitation', params: { token: to.query.invitation.trim() }, replace: true };
    }
    const auth = useAuthStore(options.pinia);
    if (auth.isAuthenticated && auth.hasExpired()) auth.clearSession();

    if (to.meta.requiresAuth) {
      if (!auth.isAuthenticated) return { name: 'login', query: { redirect: to.fullPath } };
      if (!auth.user?.role) {
        // First page load: confirm the stored token still works and learn the email for the shell
        // (and the role, which a session stored by an older version lacks).
        // A 401 clears the session (HTTP interceptor); a network error keeps it and the page reports it.
        await auth.fetchUser().catch(() => undefined);
        if (!auth.isAuthenticated) return { name: 'login', query: { redirect: to.fullPath, reason: 'expired' } };
      }
      if (to.meta.requiresAdmin && !auth.isAdmin) return { name: 'provider-keys' };
      return true;
    }

    if (to.meta.guestOnly && auth.isAuthenticated) return { name: 'provider-keys' };
    return true;
  });

  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · UniRoute` : 'UniRoute';
  });

  return router;
}

/**
 * What a 401 on an authenticated call does: forget the session and, if the user is on a page
 * that needs one, send them to log in and come back. During the very first navigation the
 * guard itself redirects (the current route is still the start location, which needs no session).
 */
export function handleSessionExpired(router: Router, pinia: Pinia): void {
  const auth = useAuthStore(pinia);
  auth.clearSession();
  const current = router.currentRoute.value;
  if (!current.meta.requiresAuth) return;
  void router.replace({ name: 'login', query: { redirect: current.fullPath, reason: 'expired' } });
}

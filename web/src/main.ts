import './style.css';
import { api, ApiError, Me, post, whenSignedOut } from './api';
import { Cleanup, h } from './dom';
import { forecastPage } from './pages/forecast';
import { jobsPage } from './pages/jobs';
import { scansPage } from './pages/scans';
import { sensorsPage } from './pages/sensors';
import { speciesPage } from './pages/species';

type Page = (root: HTMLElement, me: Me) => Promise<Cleanup> | Cleanup;

interface Route {
  path: string;
  title: string;
  page: Page;
  /** Who sees it in the menu (and may open it). */
  visible: (me: Me) => boolean;
}

const everyone = () => true;
const ROUTES: Route[] = [
  { path: 'sensors', title: 'Sensors', page: sensorsPage, visible: everyone },
  { path: 'forecast', title: 'Forecast', page: forecastPage, visible: everyone },
  { path: 'species', title: 'Species', page: speciesPage, visible: everyone },
  // Uploading needs the `uploader` group (admins may do anything).
  {
    path: 'jobs',
    title: 'Jobs',
    page: jobsPage,
    visible: (me) => me.role === 'admin' || me.groups.includes('uploader'),
  },
  { path: 'scans', title: 'Scans', page: scansPage, visible: everyone },
];

const menu = document.getElementById('menu') as HTMLElement;
const who = document.getElementById('who') as HTMLElement;
const root = document.getElementById('page') as HTMLElement;
let me: Me | null = null;
let cleanup: Cleanup = () => undefined;

function showLogin(message?: string): void {
  cleanup();
  cleanup = () => undefined;
  me = null;
  menu.replaceChildren();
  who.replaceChildren();
  const error = h('p', { class: 'error', id: 'login-error' }, message ?? '');
  const login = h('input', {
    name: 'login',
    placeholder: 'email or username',
    autocomplete: 'username',
    required: true,
  });
  const password = h('input', {
    name: 'password',
    type: 'password',
    placeholder: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const form = h(
    'form',
    {
      id: 'login-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const value = login.value.trim();
        const body = value.includes('@')
          ? { email: value, password: password.value }
          : { username: value, password: password.value };
        post<{ user: Me }>('/auth/login', body)
          .then(() => start())
          .catch(
            (err: Error) =>
              (error.textContent = err instanceof ApiError ? err.message : 'Cannot reach the server'),
          );
      },
    },
    h('label', {}, 'Email or username', login),
    h('label', {}, 'Password', password),
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  root.replaceChildren(h('div', { class: 'panel login' }, h('h2', {}, 'Sign in'), form));
  login.focus();
}

async function show(): Promise<void> {
  if (!me) return;
  const user = me;
  const routes = ROUTES.filter((r) => r.visible(user));
  const wanted = location.hash.replace(/^#\/?/, '');
  const route = routes.find((r) => r.path === wanted) ?? routes[0];
  if (route.path !== wanted) {
    history.replaceState(null, '', `#/${route.path}`);
  }
  menu.replaceChildren(
    ...routes.map((r) =>
      h('a', { href: `#/${r.path}`, class: r === route ? 'active' : '', 'data-page': r.path }, r.title),
    ),
  );
  cleanup();
  cleanup = () => undefined;
  document.title = `${route.title} · Terrawatch`;
  const container = h('section', { id: `page-${route.path}` });
  root.replaceChildren(container);
  try {
    cleanup = await route.page(container, user);
  } catch (e) {
    container.append(h('p', { class: 'error' }, `Could not load: ${(e as Error).message}`));
  }
}

async function start(): Promise<void> {
  try {
    me = await api<Me>('/auth/me');
  } catch {
    showLogin();
    return;
  }
  who.replaceChildren(
    h('span', { id: 'who-name' }, `${me.username} (${me.role})`),
    h(
      'button',
      {
        class: 'secondary',
        onclick: () => {
          post('/auth/logout', {}).finally(() => showLogin());
        },
      },
      'Sign out',
    ),
  );
  await show();
}

whenSignedOut(() => showLogin('Your session has ended; sign in again.'));
window.addEventListener('hashchange', () => void show());
void start();

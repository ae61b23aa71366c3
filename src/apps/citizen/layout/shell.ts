/**
 * The static header of index.html once the app's code has arrived. It already works without it (the
 * menu is a <details>, the search a GET form); this only makes it follow the route: the current link
 * marked, the menu closed after a choice, outside taps and Escape, and no second search box on /buscar.
 */
import { currentLocation, navigate, onNavigate, type Location } from '../../common/navigation.tsx';

export function wireShell(): void {
  const search = document.getElementById('busca-topo') as HTMLFormElement | null;
  const menu = document.getElementById('menu') as HTMLDetailsElement | null;

  search?.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = search.elements.namedItem('q') as HTMLInputElement;
    const words = input.value.trim();
    navigate(words ? `/buscar?q=${encodeURIComponent(words)}` : '/buscar');
    input.value = '';
  });

  if (menu) {
    const summary = menu.querySelector('summary');
    menu.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || !menu.open) return;
      menu.open = false;
      summary?.focus();
    });
    document.addEventListener('click', (event) => {
      if (menu.open && !menu.contains(event.target as Node)) menu.open = false;
    });
  }

  const follow = (location: Location) => {
    for (const link of document.querySelectorAll<HTMLAnchorElement>('.nav a')) {
      const path = new URL(link.href).pathname;
      const current = path === '/' ? location.path === '/' : location.path === path || location.path.startsWith(`${path}/`);
      if (current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    if (menu) menu.open = false;
    if (search) search.hidden = location.path === '/buscar';
  };
  follow(currentLocation());
  onNavigate(follow);
}

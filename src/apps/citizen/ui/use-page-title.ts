import { useEffect } from 'preact/hooks';

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Conecta Conquista` : 'Conecta Conquista';
  }, [title]);
}

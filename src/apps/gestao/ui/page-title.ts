import { useEffect } from 'preact/hooks';

/** The tab's title in the back office: "… · Gestão · Conecta Conquista", apart from the citizen's app's titles. */
export function useStaffPageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Gestão · Conecta Conquista`;
  }, [title]);
}

/**
 * A service page's "prometido × cumprido" line, from the panel's summary: "Prazo prometido: até 15 dias
 * úteis. Cumprido em 87% dos pedidos nos últimos 12 meses (mediana: 9 dias)." Loaded lazily by the service
 * page after it has painted; says nothing when the summary cannot be read (offline with no saved copy) or
 * the service has no line (it is not requested through the app).
 */
import { useEffect, useState } from 'preact/hooks';
import { promiseKeptText } from '../../../shared/contract/transparency.ts';
import { loadSummary } from './panel-data.ts';

export default function PromiseLine({ serviceId }: { serviceId: string }) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setText(null);
    loadSummary().then((summary) => {
      const line = summary?.promises.find((p) => p.serviceId === serviceId);
      if (live && line) setText(promiseKeptText(line));
    }, () => undefined);
    return () => { live = false; };
  }, [serviceId]);
  if (!text) return null;
  return (
    <p data-testid="promise-kept">
      {text} <a href="/transparencia">Ver o painel de transparência</a>
    </p>
  );
}

import type { Service } from '../../../shared/contract/charter.ts';

export function ServiceList({ services, label }: { services: readonly Service[]; label?: string }) {
  if (services.length === 0) return <p>Nenhum serviço aqui ainda.</p>;
  return (
    <ul class="card-list" aria-label={label}>
      {services.map((service) => (
        <li key={service.id}>
          <a class="card-link" href={`/servicos/${service.id}`}>
            <strong>{service.name}</strong>
            <span>{shorten(service.description, 140)}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : max)}…`;
}

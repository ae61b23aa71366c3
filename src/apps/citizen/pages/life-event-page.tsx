import type { PageProps } from '../../common/navigation.tsx';
import { ServiceGroupPage } from './service-group-page.tsx';

export default function LifeEventPage({ params }: PageProps) {
  return <ServiceGroupPage grouping="lifeEvent" id={params.id!} />;
}

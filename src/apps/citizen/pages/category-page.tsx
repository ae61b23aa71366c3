import type { PageProps } from '../../common/navigation.tsx';
import { ServiceGroupPage } from './service-group-page.tsx';

export default function CategoryPage({ params }: PageProps) {
  return <ServiceGroupPage grouping="category" id={params.id!} />;
}

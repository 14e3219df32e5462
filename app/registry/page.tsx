import { RegistryScreen } from '@/components/RegistryScreen';

export default function RegistryPage() {
  return <RegistryScreen />;
}

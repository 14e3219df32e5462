import { KeysScreen } from '@/components/KeysScreen';

export default function KeysPage() {
  return <KeysScreen />;
}

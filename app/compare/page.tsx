import { CompareScreen } from '@/components/CompareScreen';

export default function ComparePage() {
  return <CompareScreen />;
}

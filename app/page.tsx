import { VerifyScreen } from '@/components/VerifyScreen';

export default function VerifyPage() {
  return <VerifyScreen />;
}

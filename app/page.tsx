import { VerifyScreen } from '@/components/VerifyScreen';

export default async function VerifyPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  // proxy.ts allows huggingface.co in this page's CSP only for ?hub=on; the UI offers the Hub form only then.
  const { hub } = await searchParams;
  return <VerifyScreen hubEnabled={hub === 'on'} />;
}

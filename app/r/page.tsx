import { ReportViewer } from '@/components/ReportViewer';

export default function ReportLinkPage() {
  return <ReportViewer />;
}

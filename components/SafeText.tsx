import { revealText } from '@/core/util/reveal-text';

/**
 * Untrusted text (file and model names, report fields): hidden characters shown as marked escapes, long
 * unbroken strings wrapped anywhere, and a warning when look-alike scripts are mixed. React escapes the rest.
 */
export function SafeText({ text, className = '' }: { text: string; className?: string }) {
  const revealed = revealText(text);
  return (
    <span
      className={`break-anywhere ${className}`}
      data-testid="safe-text"
      data-marked={revealed.marked || revealed.mixedScripts.length > 0 ? 'true' : undefined}
    >
      {revealed.pieces.map((piece, i) =>
        piece.kind === 'text' ? (
          piece.text
        ) : (
          <mark
            key={i}
            title={`Hidden character ${piece.escaped} ${piece.label}`}
            className="mx-px rounded bg-amber-200 px-0.5 font-mono text-[0.85em] text-amber-950"
          >
            {`⟨${piece.escaped}⟩`}
            <span className="sr-only"> {piece.label}</span>
          </mark>
        ),
      )}
      {revealed.mixedScripts.length > 0 && (
        <mark className="ml-1 rounded bg-amber-200 px-1 text-[0.8em] text-amber-950">
          mixes {revealed.mixedScripts.join(' and ')} letters that look alike
        </mark>
      )}
    </span>
  );
}

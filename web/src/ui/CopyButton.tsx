import { useState } from 'react';
import { tr } from '../i18n';

/** Copies text to the clipboard, and says whether it did. */
export function CopyButton({ text, testId }: { text: string; testId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () => {
    // the clipboard can be refused (no permission, an insecure origin): say so, the text stays
    if (!navigator.clipboard) {
      setState('failed');
      return;
    }
    navigator.clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return (
    <button type="button" data-testid={testId} onClick={copy}>
      {state === 'copied'
        ? tr('已复制')
        : state === 'failed'
          ? tr('复制失败，请手动复制')
          : tr('复制')}
    </button>
  );
}
